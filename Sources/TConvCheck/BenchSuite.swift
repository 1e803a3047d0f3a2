import Foundation
import TConvEngine

/// One case of a benchmark suite (the format of `Benchmarks/suite.json`, see the shared bench
/// README): a TensorFlow call on channels-last tensors, with its FLOP count.
public struct BenchCase: Sendable {
    public var name: String
    public var group: String
    /// `latency` (report microseconds per call) or `throughput` (report GFLOP/s).
    public var kind: String
    public var op: String
    public var inputShape: [Int]
    public var filterShape: [Int]
    public var outputShape: [Int]
    public var strides: [Int]
    public var rate: Int
    public var padding: String
    public var flops: Double

    public var isLatency: Bool { kind == "latency" }

    /// The TF keyword arguments of the call (tensors excluded).
    public var keywords: [(String, TFValue)] {
        var args: [(String, TFValue)] = [("output_shape", .ints(outputShape)), ("padding", .string(padding))]
        if op == "atrous_conv2d_transpose" {
            args.append(("rate", .int(Int64(rate))))
        } else {
            args.append(("strides", .ints(strides)))
        }
        return args
    }

    /// The name of the tensor argument of the op.
    public var inputName: String { op == "atrous_conv2d_transpose" ? "value" : "input" }
}

public enum BenchSuiteError: Error, CustomStringConvertible {
    case io(String)
    case format(String)
    public var description: String {
        switch self {
        case .io(let m): return m
        case .format(let m): return m
        }
    }
}

public enum BenchSuite {
    /// The suite format version this tconv reads.
    public static let version: Int64 = 1

    /// Parses a suite file's text.
    public static func parse(_ text: String, path: String = "suite") throws -> [BenchCase] {
        let root: JSON
        do { root = try JSON.parse(text) } catch { throw BenchSuiteError.format("\(path): \(error)") }
        if let v = root["version"]?.intValue, v > version {
            throw BenchSuiteError.format("\(path): suite version \(v) is newer than this tconv understands (\(version))")
        }
        guard let list = root["cases"]?.arrayValue else { throw BenchSuiteError.format("\(path): no \"cases\" array") }
        var cases = [BenchCase]()
        for (index, c) in list.enumerated() {
            func ints(_ key: String) throws -> [Int] {
                guard let a = c[key]?.arrayValue else { throw BenchSuiteError.format("\(path): case \(index): missing \(key)") }
                var out = [Int]()
                for item in a {
                    guard let i = item.intValue, i >= 0, i < 1 << 40 else {
                        throw BenchSuiteError.format("\(path): case \(index): \(key) must hold non-negative integers")
                    }
                    out.append(Int(i))
                }
                return out
            }
            func string(_ key: String) throws -> String {
                guard let s = c[key]?.stringValue else { throw BenchSuiteError.format("\(path): case \(index): missing \(key)") }
                return s
            }
            let name = try string("name")
            let op = try string("op")
            guard ["conv2d_transpose", "atrous_conv2d_transpose", "conv3d_transpose", "conv1d_transpose"].contains(op) else {
                throw BenchSuiteError.format("\(path): case \(name): unknown op \(op)")
            }
            let input = try ints("input_shape"), filter = try ints("filter_shape")
            guard input.count >= 3, input.count <= 5, filter.count == input.count else {
                throw BenchSuiteError.format("\(path): case \(name): filter_shape rank does not match input_shape")
            }
            let flops: Double
            if let f = c["flops"]?.doubleValue, f > 0 {
                flops = f
            } else {
                // The suite's definition: 2 * prod(input) * prod(kernel spatial) * C_out.
                let spatial = filter.dropLast(2).reduce(1, *)
                flops = 2 * Double(input.reduce(1, *)) * Double(spatial) * Double(filter[filter.count - 2])
            }
            cases.append(BenchCase(name: name, group: c["group"]?.stringValue ?? "", kind: c["kind"]?.stringValue ?? "throughput",
                                   op: op, inputShape: input, filterShape: filter, outputShape: try ints("output_shape"),
                                   strides: (try? ints("strides")) ?? Array(repeating: 1, count: input.count - 2),
                                   rate: Int(c["rate"]?.intValue ?? 1), padding: try string("padding"), flops: flops))
        }
        return cases
    }

    /// Reads a suite file.
    public static func load(path: String) throws -> [BenchCase] {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw BenchSuiteError.io("cannot read \(path)")
        }
        return try parse(text, path: path)
    }

    /// Where the project's default suite is: `Benchmarks/suite.json` under the current folder or
    /// any folder above it, else above the executable (`.build/release/tconv` sits two levels
    /// below the package root).
    public static func defaultPath(currentDirectory: String = FileManager.default.currentDirectoryPath,
                                   executable: String = CommandLine.arguments.first ?? "") -> String? {
        var starts = [URL(fileURLWithPath: currentDirectory)]
        if !executable.isEmpty {
            let exe = URL(fileURLWithPath: executable, relativeTo: URL(fileURLWithPath: currentDirectory)).resolvingSymlinksInPath()
            starts.append(exe.deletingLastPathComponent())
        }
        for start in starts {
            var dir = start.standardizedFileURL
            for _ in 0..<8 {
                let candidate = dir.appendingPathComponent("Benchmarks/suite.json").path
                if FileManager.default.fileExists(atPath: candidate) { return candidate }
                let parent = dir.deletingLastPathComponent()
                if parent.path == dir.path { break }
                dir = parent
            }
        }
        return nil
    }
}
