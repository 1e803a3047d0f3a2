import Foundation
import TConvCheck

let arguments = Array(CommandLine.arguments.dropFirst())
switch arguments.first {
case "golden": exit(GoldenCommand.main(Array(arguments.dropFirst())))
case "bench": exit(BenchCommand.main(Array(arguments.dropFirst())))
default:
    print("tconv: REPL not built yet")
}
