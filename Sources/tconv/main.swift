// tconv's entry point: the only code that sees argv. Parsing lives in TConvTerminal
// (`CommandLineParser`), running in `TConvMain`; this file only wires them and exits.
import Foundation
import TConvTerminal

do {
    let command = try CommandLineParser.parse(Array(CommandLine.arguments.dropFirst()))
    exit(TConvMain.run(command))
} catch {
    FileHandle.standardError.write(Data("tconv: \(error.message)\n(try 'tconv --help')\n".utf8))
    exit(ExitStatus.usage)
}
