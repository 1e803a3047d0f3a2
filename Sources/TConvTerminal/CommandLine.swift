/// The `tconv` command line, parsed by hand (no argument-parser dependency: it bloats builds).
/// `main.swift` is the only code that sees argv; it hands it to `CommandLineParser.parse`.

/// Options shared by the interactive and script modes.
public struct TConvOptions: Equatable, Sendable {
    public enum ColorChoice: String, Equatable, Sendable, CaseIterable { case auto, always, never }
    public var color: ColorChoice = .auto
    /// `--plain`: no full-screen pane even on a terminal.
    public var plain = false
    /// `--present`: presenter mode (larger cells, high contrast, keys-only replays).
    public var present = false
    /// `--allow-writes`: a replayed lesson (`tconv replay`, `%replay`) may write files. `tconv run`
    /// always may: scripts that save their results are how it is used.
    public var allowWrites = false
    public init(color: ColorChoice = .auto, plain: Bool = false, present: Bool = false, allowWrites: Bool = false) {
        self.color = color
        self.plain = plain
        self.present = present
        self.allowWrites = allowWrites
    }
}

/// What `tconv` was asked to do.
public enum TConvCommand: Equatable, Sendable {
    /// The REPL (full-screen on a terminal, plain otherwise).
    case repl(TConvOptions)
    /// `tconv run FILE...`; `-` is standard input.
    case run(files: [String], options: TConvOptions)
    /// `tconv -c 'STMT; STMT'`.
    case command(String, options: TConvOptions)
    /// `tconv replay --check FILE...`: replay lessons and compare with their recorded outputs.
    case replayCheck(files: [String])
    /// `tconv replay [--present] [--allow-writes] FILE`: play a lesson with keys (a transcript
    /// without a terminal); with `cast`, record it as an asciicast to that file instead.
    case replay(file: String, options: TConvOptions, cast: String?)
    case golden([String])
    case bench([String])
    case version
    case help
}

/// A command-line mistake: printed as `tconv: <message>` plus a hint, exit status 2.
public struct UsageError: Error, Equatable, Sendable {
    public var message: String
    public init(_ message: String) { self.message = message }
}

/// Exit statuses, documented in tconv(1).
public enum ExitStatus {
    public static let success: Int32 = 0
    /// A statement failed (`run`, `-c`, a non-interactive REPL) or a golden case failed.
    public static let failure: Int32 = 1
    /// The command line was wrong.
    public static let usage: Int32 = 2
    /// A script file could not be read.
    public static let noInput: Int32 = 3
}

public enum CommandLineParser {
    /// Every option and subcommand, as the manual page must mention them.
    public static let documentedOptions = ["run", "replay", "--check", "--cast", "golden", "bench", "-c", "--plain", "--color",
                                           "--present", "--allow-writes", "--version", "--help", "-h", "-V"]

    public static let usage = """
        usage: tconv [--plain] [--color=auto|always|never] [--present] [--allow-writes]
               tconv run [OPTIONS] FILE...
               tconv -c 'STATEMENT; STATEMENT'
               tconv replay [--present] [--allow-writes] [--plain] [--color=WHEN] FILE
               tconv replay --cast OUT.cast [--present] [--allow-writes] FILE
               tconv replay --check FILE...
               tconv golden [--json] [--quiet] PATH...
               tconv bench [ARGS...]
               tconv --version | --help
        """

    public static let help = """
        tconv: TensorFlow's transposed convolutions, computed exactly, explained in a terminal.

        \(usage)

        Commands:
          (none)             start the REPL: full-screen pane on a terminal, plain otherwise
          run FILE...        run scripts without interaction ('-' reads standard input);
                             exit 1 if any statement failed
          -c STATEMENTS      run statements given on the command line
          replay FILE        play a lesson one statement at a time with keys (Enter
                             runs, ',' back, ] [ markers, g go to, ? keys, q quits);
                             without a terminal, print it as a transcript; exit 1 if
                             an output differs from the recorded '#=> ' lines
          replay --cast OUT.cast FILE
                             record the lesson's replay as an asciicast v2 file
          replay --check FILE...
                             replay lessons and compare every output with the
                             recorded '#=> ' lines; exit 1 on a difference
          golden PATH...     check the engine against TensorFlow's golden files
          bench ARGS...      run the kernel benchmarks

        Options:
          --plain            no full-screen pane (readline prompt only, or plain lines)
          --color=WHEN       colour: auto (default), always, never; NO_COLOR disables auto
          --present          presenter mode: large cells, high contrast, keys only
          --allow-writes     let a replayed lesson write files (np.save, %save,
                             %export); without it the full screen asks, plain
                             mode refuses. 'run' always allows writes
          -V, --version      print the version and exit
          -h, --help         print this help and exit

        Exit status: 0 ok, 1 a statement or case failed, 2 usage error, 3 unreadable file.
        See tconv(1) for the language, the keys and the files.
        """

    /// Parses argv without the program name.
    public static func parse(_ arguments: [String]) throws(UsageError) -> TConvCommand {
        // The check runners keep their own argument syntax: hand them everything after the word.
        if let first = arguments.first {
            if first == "golden" { return .golden(Array(arguments.dropFirst())) }
            if first == "bench" { return .bench(Array(arguments.dropFirst())) }
            if first == "replay" { return try parseReplay(Array(arguments.dropFirst())) }
        }
        var options = TConvOptions()
        var subcommand: String?
        var statements: String?
        var files: [String] = []
        var onlyOperands = false
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            if onlyOperands || argument == "-" || !argument.hasPrefix("-") {
                if statements != nil {
                    throw UsageError(argument == "run" ? "-c and run cannot be combined"
                                                       : "unexpected argument '\(argument)' after -c")
                }
                if subcommand == nil && files.isEmpty && statements == nil && !onlyOperands {
                    switch argument {
                    case "run": subcommand = "run"; continue
                    case "golden", "bench", "replay":
                        throw UsageError("'\(argument)' must come first: tconv \(argument) ...")
                    default:
                        throw UsageError("unknown command '\(argument)' (to run a script: tconv run \(argument))")
                    }
                }
                guard subcommand == "run" else {
                    throw UsageError("unexpected argument '\(argument)'")
                }
                files.append(argument)
                continue
            }
            if argument == "--" { onlyOperands = true; continue }
            let (name, inlineValue) = split(argument)
            switch name {
            case "-h", "--help":
                return .help
            case "-V", "--version":
                return .version
            case "--plain":
                try noValue(name, inlineValue)
                options.plain = true
            case "--present", "--allow-writes", "--color", "--colour":
                try sharedOption(name, inlineValue, arguments, &index, &options)
            case "-c":
                guard statements == nil else { throw UsageError("-c given twice") }
                statements = try value(inlineValue, arguments, &index,
                                       missing: "-c needs statements, e.g. tconv -c 'x = 1; x'")
            default:
                throw UsageError("unknown option '\(argument)'")
            }
        }
        if let statements {
            guard subcommand == nil else { throw UsageError("-c and run cannot be combined") }
            return .command(statements, options: options)
        }
        if subcommand == "run" {
            guard !files.isEmpty else { throw UsageError("run needs at least one FILE ('-' for standard input)") }
            return .run(files: files, options: options)
        }
        return .repl(options)
    }

    /// Options the REPL and `replay` share: `--present`, `--allow-writes`, `--color WHEN`.
    static func sharedOption(_ name: String, _ inlineValue: String?, _ arguments: [String], _ index: inout Int,
                             _ options: inout TConvOptions) throws(UsageError) {
        switch name {
        case "--present":
            try noValue(name, inlineValue)
            options.present = true
        case "--allow-writes":
            try noValue(name, inlineValue)
            options.allowWrites = true
        default:
            let given = try value(inlineValue, arguments, &index, missing: "--color needs a value: auto, always or never")
            guard let choice = TConvOptions.ColorChoice(rawValue: given) else {
                throw UsageError("--color must be auto, always or never, not '\(given)'")
            }
            options.color = choice
        }
    }

    /// `replay FILE`, `replay --cast OUT FILE`, `replay --check FILE...`.
    static func parseReplay(_ arguments: [String]) throws(UsageError) -> TConvCommand {
        var check = false
        var cast: String?
        var options = TConvOptions()
        var files: [String] = []
        var onlyOperands = false
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            if !onlyOperands && argument == "--" { onlyOperands = true; continue }
            guard !onlyOperands && argument.hasPrefix("-") && argument != "-" else {
                files.append(argument)
                continue
            }
            let (name, inlineValue) = split(argument)
            switch name {
            case "--check":
                try noValue(name, inlineValue)
                check = true
            case "--plain":
                try noValue(name, inlineValue)
                options.plain = true
            case "--present", "--allow-writes", "--color", "--colour":
                try sharedOption(name, inlineValue, arguments, &index, &options)
            case "--cast":
                guard cast == nil else { throw UsageError("--cast given twice") }
                cast = try value(inlineValue, arguments, &index, missing: "--cast needs a file name, e.g. --cast lesson.cast")
                guard cast?.isEmpty == false else { throw UsageError("--cast needs a file name, e.g. --cast lesson.cast") }
            case "-h", "--help":
                return .help
            default:
                throw UsageError("unknown option '\(argument)' for replay")
            }
        }
        if check {
            guard cast == nil, !options.present, !options.allowWrites, !options.plain else {
                throw UsageError("replay --check takes only files (it never writes and shows nothing)")
            }
            guard !files.isEmpty else { throw UsageError("replay --check needs at least one FILE") }
            return .replayCheck(files: files)
        }
        guard let file = files.first else {
            throw UsageError("replay needs a lesson FILE, e.g. tconv replay Sessions/01-textbook-stride2.tconv")
        }
        guard files.count == 1 else {
            throw UsageError("replay plays one FILE at a time (tconv replay --check FILE... checks several)")
        }
        return .replay(file: file, options: options, cast: cast)
    }

    /// `--name=value` -> ("--name", "value"); `-cVALUE` -> ("-c", "VALUE").
    static func split(_ argument: String) -> (String, String?) {
        if argument.hasPrefix("--"), let equals = argument.firstIndex(of: "=") {
            return (String(argument[..<equals]), String(argument[argument.index(after: equals)...]))
        }
        if argument.hasPrefix("-c"), argument.count > 2, !argument.hasPrefix("--") {
            return ("-c", String(argument.dropFirst(2)))
        }
        return (argument, nil)
    }

    static func noValue(_ name: String, _ value: String?) throws(UsageError) {
        if value != nil { throw UsageError("\(name) takes no value") }
    }

    /// An option's value: the inline one (`--name=VALUE`, `-cVALUE`) or else the next argument,
    /// which is then consumed; `missing` when there is none.
    static func value(_ inlineValue: String?, _ arguments: [String], _ index: inout Int,
                      missing: String) throws(UsageError) -> String {
        if let inlineValue { return inlineValue }
        guard index < arguments.count else { throw UsageError(missing) }
        index += 1
        return arguments[index - 1]
    }
}
