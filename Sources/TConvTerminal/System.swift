import CTerm
import Foundation

/// Environment variables, read through one door so the tests can see what matters.
enum ProcessEnvironment {
    static func value(_ name: String) -> String? { ProcessInfo.processInfo.environment[name] }
}

/// Terminfo questions, answered by the CTerm shim.
enum Terminfo {
    /// A numeric capability of `term`: -1 when absent, -2 when `term` has no entry.
    static func number(term: String, capability: String) -> Int {
        Int(cterm_terminfo_number(term, capability))
    }

    static func flag(term: String, capability: String) -> Bool { cterm_terminfo_flag(term, capability) != 0 }

    static func isTerminal(_ fd: Int32) -> Bool { cterm_isatty(fd) != 0 }
}

/// Standard error, written unbuffered (it may be a temporary file while curses is active).
enum StandardError {
    static func write(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
}

/// Standard output for the plain front ends: buffered, flushed before blocking.
enum StandardOutput {
    static func write(_ text: String) {
        fputs(text, stdoutStream())
    }
    static func flush() { fflush(nil) }
}

private func stdoutStream() -> UnsafeMutablePointer<FILE> { cterm_stdout() }

/// The locale, set up once at start (before curses, so wide characters print).
enum LocaleSupport {
    static func setup() { _ = cterm_setup_locale() }
    static var isUTF8: Bool { cterm_locale_is_utf8() != 0 }
}

/// The hidden crash trigger of the end-to-end tests: `%crash` with TCONV_TEST_CRASH=1.
enum TestHooks {
    static var crashEnabled: Bool { ProcessEnvironment.value("TCONV_TEST_CRASH") == "1" }

    /// True when `line` is the crash trigger and it is enabled (then it does not return).
    static func crashIfRequested(_ line: String) {
        guard crashEnabled, line.trimmingCharacters(in: .whitespaces) == "%crash" else { return }
        cterm_test_crash()
    }
}
