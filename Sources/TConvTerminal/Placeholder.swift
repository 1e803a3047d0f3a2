// TConvTerminal
