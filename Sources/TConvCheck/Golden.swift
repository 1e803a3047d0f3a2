import Foundation
import TConvEngine

/// One case of a golden file (format 1, see `Tests/Fixtures/golden/README.md`).
public struct GoldenCase: Sendable {
    public var id: String
    public var op: String
    public var args: [(String, JSON)]
    public var input: (shape: [Int], data: [Double])
    public var filters: (shape: [Int], data: [Double])
    /// Success cases: TF's float32 and float64 results.
    public var expected: (shape: [Int], f32: [Double], f64: [Double])?
    /// Error cases: the category to reject with.
    public var errorCategory: String?
    /// `unsupported` cases: the scatter definition's result.
    public var expectedScatter: (shape: [Int], data: [Double])?
    /// The file it came from.
    public var file: String
}

/// The verdict on one case.
public struct GoldenReport: Sendable {
    public var id: String
    public var op: String
    public var file: String
    public var passed: Bool
    /// Why it failed (empty when it passed), one entry per failing dtype.
    public var reasons: [String]
    /// Largest absolute error seen in each dtype (success and unsupported cases).
    public var maxError: [DType: Double]
    /// What the engine did: "result", or the error category it raised.
    public var outcome: String

    /// One JSON object for `tconv golden --json`.
    public var json: JSON {
        var members: [(String, JSON)] = [("id", .string(id)), ("op", .string(op)), ("status", .string(passed ? "pass" : "fail")),
                                         ("file", .string(file)), ("outcome", .string(outcome))]
        for dtype in DType.allCases {
            if let e = maxError[dtype] { members.append(("max_abs_error_\(dtype.rawValue)", .double(e))) }
        }
        if !passed { members.append(("reason", .string(reasons.joined(separator: "; ")))) }
        return .object(members)
    }
}

/// Loads golden files and checks the engine against them.
public enum GoldenRunner {
    /// float32 tolerance of the golden README (`|got - want| <= atol + rtol*|want|`).
    public static let tolerance32 = (rtol: 1e-5, atol: 1e-6)
    /// float64 tolerance of the golden README.
    public static let tolerance64 = (rtol: 1e-12, atol: 1e-12)

    /// Reads every `*.json` golden file under `paths` (files or folders; `manifest.json` skipped).
    public static func load(paths: [String]) throws -> [GoldenCase] {
        var files = [String]()
        let fm = FileManager.default
        for path in paths {
            var isDir: ObjCBool = false
            guard fm.fileExists(atPath: path, isDirectory: &isDir) else { throw GoldenError.io("no such file or folder: \(path)") }
            if isDir.boolValue {
                let names = (try? fm.contentsOfDirectory(atPath: path)) ?? []
                files += names.filter { $0.hasSuffix(".json") && $0 != "manifest.json" }.sorted()
                    .map { (path as NSString).appendingPathComponent($0) }
            } else {
                files.append(path)
            }
        }
        var cases = [GoldenCase]()
        for file in files { cases += try loadFile(file) }
        return cases
    }

    static func loadFile(_ path: String) throws -> [GoldenCase] {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw GoldenError.io("cannot read \(path)")
        }
        let root: JSON
        do { root = try JSON.parse(text) } catch { throw GoldenError.format("\(path): \(error)") }
        if let format = root["format"]?.intValue, format > 1 {
            throw GoldenError.format("\(path): golden format \(format) is newer than this tconv understands (1)")
        }
        guard let list = root["cases"]?.arrayValue else { throw GoldenError.format("\(path): no \"cases\" array") }
        let name = (path as NSString).lastPathComponent
        var cases = [GoldenCase]()
        for (index, c) in list.enumerated() {
            do { cases.append(try parseCase(c, file: name, defaultOp: root["op"]?.stringValue)) } catch {
                throw GoldenError.format("\(path): case \(index): \(error)")
            }
        }
        return cases
    }

    static func parseCase(_ c: JSON, file: String, defaultOp: String?) throws -> GoldenCase {
        guard let id = c["id"]?.stringValue else { throw GoldenError.format("missing id") }
        guard let op = c["op"]?.stringValue ?? defaultOp else { throw GoldenError.format("\(id): missing op") }
        guard case .object(let args)? = c["args"] else { throw GoldenError.format("\(id): missing args") }
        func tensor(_ j: JSON?, _ key: String) throws -> (shape: [Int], data: [Double]) {
            guard let j, let shape = j["shape"]?.arrayValue?.compactMap({ $0.intValue }).map({ Int($0) }),
                  let data = j[key]?.arrayValue?.compactMap({ $0.doubleValue }) else {
                throw GoldenError.format("\(id): bad tensor")
            }
            guard shape.allSatisfy({ $0 >= 0 }), shape.reduce(1, *) == data.count else {
                throw GoldenError.format("\(id): tensor shape \(shape) does not match \(data.count) values")
            }
            return (shape, data)
        }
        var expected: (shape: [Int], f32: [Double], f64: [Double])? = nil
        if let e = c["expected"] {
            let f32 = try tensor(e, "data")
            let f64 = e["data_f64"] != nil ? try tensor(e, "data_f64") : f32
            expected = (f32.shape, f32.data, f64.data)
        }
        var scatter: (shape: [Int], data: [Double])? = nil
        if let s = c["expected_scatter"] { scatter = try tensor(s, "data") }
        let category = c["error"]?["category"]?.stringValue
        guard expected != nil || category != nil else { throw GoldenError.format("\(id): neither expected nor error") }
        return GoldenCase(id: id, op: op, args: args, input: try tensor(c["input"], "data"),
                          filters: try tensor(c["filters"], "data"), expected: expected, errorCategory: category,
                          expectedScatter: scatter, file: file)
    }

    /// Converts a JSON argument to the engine's Python-like value.
    public static func tfValue(_ j: JSON) -> TFValue {
        switch j {
        case .null: return .null
        case .bool(let b): return .bool(b)
        case .int(let i): return .int(i)
        case .double(let d): return .float(d)
        case .string(let s): return .string(s)
        case .array(let items): return .list(items.map(tfValue))
        case .object: return .string(j.description)
        }
    }

    /// Runs one case in one dtype.
    public static func run(_ c: GoldenCase, dtype: DType, options: ExecutionOptions = ExecutionOptions())
        -> Result<OpResult, EngineError>
    {
        guard let op = TFOp(tfName: c.op) else {
            return .failure(EngineError(.badArgument, op: c.op, argument: "op", "tconv does not implement tf.nn.\(c.op)"))
        }
        let x = Tensor(shape: c.input.shape, values: c.input.data, dtype: dtype)
        let w = Tensor(shape: c.filters.shape, values: c.filters.data, dtype: dtype)
        let inputName = op == .atrousConv2d || op == .atrousConv2dTranspose ? "value" : "input"
        let keywords = [(inputName, TFValue.tensor(x)), ("filters", .tensor(w))] + c.args.map { ($0.0, tfValue($0.1)) }
        do throws(EngineError) {
            return .success(try TFOps.call(op, keywords: keywords, options: options))
        } catch {
            return .failure(error)
        }
    }

    /// Checks one case in float32 and float64.
    public static func check(_ c: GoldenCase, options: ExecutionOptions = ExecutionOptions()) -> GoldenReport {
        var reasons = [String]()
        var maxError = [DType: Double]()
        var outcome = ""
        for dtype in DType.allCases {
            let tol = dtype == .float32 ? tolerance32 : tolerance64
            let result = run(c, dtype: dtype, options: options)
            let want: (shape: [Int], data: [Double])?
            if let e = c.expected {
                want = (e.shape, dtype == .float32 ? e.f32 : e.f64)
            } else if c.errorCategory == "unsupported" {
                want = c.expectedScatter
            } else {
                want = nil
            }
            switch result {
            case .success(let r):
                outcome = "result"
                guard let want else {
                    reasons.append("\(dtype): expected error \(c.errorCategory ?? "?") but got a result of shape \(r.tensor.shape)")
                    continue
                }
                if let failure = compare(r.tensor, want: want, tol: tol, maxError: &maxError[dtype]) {
                    reasons.append("\(dtype): \(failure)")
                }
                if c.errorCategory == "unsupported" && r.plan.tfCPURefusals.isEmpty {
                    reasons.append("\(dtype): computed, but not flagged as refused by TF's CPU kernels")
                }
            case .failure(let e):
                outcome = e.category.rawValue
                if let category = c.errorCategory, category != "unsupported" {
                    if e.category.rawValue != category {
                        reasons.append("\(dtype): wrong error category \(e.category) (expected \(category)): \(e)")
                    }
                } else {
                    reasons.append("\(dtype): unexpected error [\(e.category)] \(e)")
                }
            }
        }
        return GoldenReport(id: c.id, op: c.op, file: c.file, passed: reasons.isEmpty, reasons: reasons,
                            maxError: maxError, outcome: outcome)
    }

    /// Compares a result with expected values; returns why it differs, or nil.
    static func compare(_ got: Tensor, want: (shape: [Int], data: [Double]), tol: (rtol: Double, atol: Double),
                        maxError: inout Double?) -> String? {
        guard got.shape == want.shape else { return "wrong shape \(got.shape), expected \(want.shape)" }
        let values = got.doubles
        var worst = 0.0, firstBad: Int? = nil, badCount = 0
        for i in 0..<values.count {
            let d = abs(values[i] - want.data[i])
            if d.isNaN || d > tol.atol + tol.rtol * abs(want.data[i]) {
                badCount += 1
                if firstBad == nil { firstBad = i }
            }
            worst = d.isNaN ? .infinity : max(worst, d)
        }
        maxError = worst
        guard let firstBad else { return nil }
        return "max abs error \(worst) over tolerance at \(badCount) of \(values.count) elements (first: flat \(firstBad), got \(values[firstBad]), expected \(want.data[firstBad]))"
    }
}

public enum GoldenError: Error, CustomStringConvertible {
    case io(String)
    case format(String)
    public var description: String {
        switch self {
        case .io(let m): return m
        case .format(let m): return m
        }
    }
}
