#ifndef CTERM_H
#define CTERM_H
int cterm_placeholder(void);
#endif
