import Foundation
import TConvEngine

/// A failure reading or writing a `.npy` file; the message names what was found.
public struct NPYError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// An array read from a `.npy` file: the values as a tensor (float32 stays float32; every other
/// accepted type becomes float64 holding the same values) and the element type the file had.
public struct NPYArray: Sendable {
    public var tensor: Tensor
    /// The kind tconv gives it: float32, float64, int32 (i1/i2/i4/u1/u2), int64 (i8/u4/u8), bool.
    public var kind: ElementKind
    /// The file's `descr`, e.g. `<f4`.
    public var descr: String
}

/// NumPy's `.npy` format, versions 1.0, 2.0 and 3.0 (NEP 1): a magic string, a version, a
/// header that is a Python dict literal (`descr`, `fortran_order`, `shape`) padded to 64 bytes,
/// then the raw little-endian data in C order. tconv reads float32/float64, integer and bool
/// arrays of any rank (0-d included) and writes float32/float64 (and ints/bools for integer
/// arrays). Anything else is refused with a message naming what the file holds.
public enum NPY {
    /// The first six bytes of every `.npy` file (`\x93NUMPY`).
    public static let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]

    /// Reads a file as a tensor (integer and bool arrays become float64 tensors).
    public static func read(_ path: String, limits: EngineLimits = .default) throws(NPYError) -> Tensor {
        try readArray(path, limits: limits).tensor
    }

    /// Reads a file, keeping the element kind it had.
    public static func readArray(_ path: String, limits: EngineLimits = .default) throws(NPYError) -> NPYArray {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw NPYError("no such file: \(path)")
        }
        guard !isDirectory.boolValue else { throw NPYError("\(path) is a directory, not a .npy file") }
        guard let handle = FileHandle(forReadingAtPath: path) else { throw NPYError("cannot open \(path) for reading") }
        defer { try? handle.close() }
        // The header is small; read it, check the sizes it announces, then read the data.
        let (header, dataOffset) = try parsePrefix { offset, count in
            handle.seek(toFileOffset: UInt64(offset))
            return [UInt8](handle.readData(ofLength: count))
        }
        let needed = try dataBytes(header)
        if Int64(needed) > limits.maxResultBytes * 2 {
            throw NPYError("the array \(header.shapeText) \(header.descr) would take \(needed) bytes, more than tconv's limit")
        }
        handle.seek(toFileOffset: UInt64(dataOffset))
        let data = [UInt8](handle.readData(ofLength: needed))
        return try decodeData(header, data, limits: limits)
    }

    /// Decodes a whole file held in memory.
    public static func decode(_ bytes: [UInt8], limits: EngineLimits = .default) throws(NPYError) -> NPYArray {
        let (header, dataOffset) = try parsePrefix { offset, count in
            offset >= bytes.count ? [] : Array(bytes[offset..<min(bytes.count, offset + count)])
        }
        return try decodeData(header, Array(bytes.dropFirst(dataOffset)), limits: limits)
    }

    // MARK: - Header

    struct Header {
        var descr: String
        var fortranOrder: Bool
        var shape: [Int]
        var element: Element

        var shapeText: String { "(" + shape.map(String.init).joined(separator: ", ") + (shape.count == 1 ? ",)" : ")") }
    }

    enum Element {
        case float32, float64, bool
        case signed(Int), unsigned(Int)

        var width: Int {
            switch self {
            case .float32: return 4
            case .float64: return 8
            case .bool: return 1
            case .signed(let w), .unsigned(let w): return w
            }
        }

        var kind: ElementKind {
            switch self {
            case .float32: return .float32
            case .float64: return .float64
            case .bool: return .bool
            case .signed(let w): return w <= 4 ? .int32 : .int64
            case .unsigned(let w): return w <= 2 ? .int32 : .int64
            }
        }
    }

    /// Magic, version and header; returns the header and the offset of the data.
    static func parsePrefix(_ read: (_ offset: Int, _ count: Int) -> [UInt8]) throws(NPYError) -> (Header, Int) {
        let prefix = read(0, 12)
        guard prefix.count >= 6, Array(prefix[0..<6]) == magic else {
            throw NPYError(prefix.isEmpty ? "the file is empty" : "not a .npy file (it does not start with \\x93NUMPY)")
        }
        guard prefix.count >= 10 else { throw NPYError("the file is truncated inside its header") }
        let major = prefix[6], minor = prefix[7]
        let headerLength: Int
        let headerStart: Int
        switch major {
        case 1:
            headerLength = Int(prefix[8]) | Int(prefix[9]) << 8
            headerStart = 10
        case 2, 3:
            guard prefix.count >= 12 else { throw NPYError("the file is truncated inside its header") }
            headerLength = Int(prefix[8]) | Int(prefix[9]) << 8 | Int(prefix[10]) << 16 | Int(prefix[11]) << 24
            headerStart = 12
        default:
            throw NPYError(".npy format version \(major).\(minor) is not supported (tconv reads 1.0, 2.0 and 3.0)")
        }
        guard headerLength <= 1 << 24 else { throw NPYError("the header claims \(headerLength) bytes, which is not plausible") }
        let headerBytes = read(headerStart, headerLength)
        guard headerBytes.count == headerLength else { throw NPYError("the file is truncated inside its header") }
        let text: String
        if major == 3 {
            guard let t = String(bytes: headerBytes, encoding: .utf8) else { throw NPYError("the header is not valid UTF-8") }
            text = t
        } else {
            text = String(headerBytes.map { Character(Unicode.Scalar($0)) })
        }
        return (try parseHeader(text), headerStart + headerLength)
    }

    static func parseHeader(_ text: String) throws(NPYError) -> Header {
        var parser = DictParser(Array(text))
        let dict = try parser.parse()
        guard let descrValue = dict["descr"] else { throw NPYError("the header has no 'descr' entry: \(text.trimmingCharacters())") }
        guard case .string(let descr) = descrValue else {
            throw NPYError("structured (record) arrays are not supported (descr is \(descrValue))")
        }
        guard case .bool(let fortran)? = dict["fortran_order"] else { throw NPYError("the header has no valid 'fortran_order' entry") }
        guard case .tuple(let shape)? = dict["shape"] else { throw NPYError("the header has no valid 'shape' entry") }
        guard shape.allSatisfy({ $0 >= 0 }) else { throw NPYError("the header's shape \(shape) has a negative entry") }
        guard shape.count <= Convert.maxRank else { throw NPYError("the shape has \(shape.count) axes; numpy allows at most \(Convert.maxRank)") }
        let element = try parseDescr(descr)
        if fortran {
            throw NPYError("Fortran-order arrays are not supported (save it with np.ascontiguousarray(a) first)")
        }
        return Header(descr: descr, fortranOrder: fortran, shape: shape, element: element)
    }

    static func parseDescr(_ descr: String) throws(NPYError) -> Element {
        let chars = Array(descr)
        guard chars.count >= 2 else { throw NPYError("unknown dtype descr '\(descr)'") }
        let order = chars[0]
        let type = chars[1]
        let size = Int(String(chars.dropFirst(2))) ?? 0
        let names: [Character: String] = ["c": "complex", "O": "object (Python objects)", "U": "unicode string", "S": "byte string",
                                          "a": "byte string", "M": "datetime", "m": "timedelta", "V": "void/structured"]
        if let name = names[type] { throw NPYError("\(name) arrays ('\(descr)') are not supported: tconv reads float, int and bool arrays") }
        guard "<>|=".contains(order) else { throw NPYError("unknown dtype descr '\(descr)'") }
        if order == ">" && size > 1 {
            throw NPYError("big-endian data ('\(descr)') is not supported: save it as little-endian (a.astype('<f4'))")
        }
        switch (type, size) {
        case ("f", 4): return .float32
        case ("f", 8): return .float64
        case ("f", 2): throw NPYError("float16 ('\(descr)') is not supported: save it as float32")
        case ("f", _): throw NPYError("float\(size * 8) ('\(descr)') is not supported")
        case ("b", 1): return .bool
        case ("i", 1), ("i", 2), ("i", 4), ("i", 8): return .signed(size)
        case ("u", 1), ("u", 2), ("u", 4), ("u", 8): return .unsigned(size)
        default: throw NPYError("unsupported dtype descr '\(descr)'")
        }
    }

    static func dataBytes(_ header: Header) throws(NPYError) -> Int {
        guard let count = ShapeMath.count(header.shape),
              case let (bytes, overflow) = count.multipliedReportingOverflow(by: header.element.width), !overflow else {
            throw NPYError("the shape \(header.shapeText) is too large")
        }
        return bytes
    }

    static func decodeData(_ header: Header, _ data: [UInt8], limits: EngineLimits) throws(NPYError) -> NPYArray {
        let needed = try dataBytes(header)
        guard data.count >= needed else {
            throw NPYError("the file is truncated: shape \(header.shapeText) of '\(header.descr)' needs \(needed) data bytes, found \(data.count)")
        }
        let count = ShapeMath.count(header.shape) ?? 0
        let kind = header.element.kind
        do {
            try ShapeMath.checkAllocation(header.shape, kind: kind, limits: limits, span: nil)
        } catch {
            throw NPYError("the array \(header.shapeText) is larger than tconv's limit of \(limits.maxResultBytes) bytes")
        }
        func word(_ i: Int, _ width: Int) -> UInt64 {
            var v: UInt64 = 0
            for b in 0..<width { v |= UInt64(data[i * width + b]) << (8 * UInt64(b)) }
            return v
        }
        let tensor: Tensor
        switch header.element {
        case .float32:
            tensor = Tensor(shape: header.shape, float32: (0..<count).map { Float(bitPattern: UInt32(truncatingIfNeeded: word($0, 4))) })
        case .float64:
            tensor = Tensor(shape: header.shape, float64: (0..<count).map { Double(bitPattern: word($0, 8)) })
        case .bool:
            tensor = Tensor(shape: header.shape, float64: (0..<count).map { data[$0] != 0 ? 1 : 0 })
        case .signed(let w):
            tensor = Tensor(shape: header.shape, float64: (0..<count).map { i in
                let raw = word(i, w)
                let shift = UInt64(64 - 8 * w)
                return Double(Int64(bitPattern: raw << shift) >> Int64(shift))
            })
        case .unsigned(let w):
            tensor = Tensor(shape: header.shape, float64: (0..<count).map { Double(word($0, w)) })
        }
        return NPYArray(tensor: tensor, kind: kind, descr: header.descr)
    }

    // MARK: - Writing

    /// The `.npy` bytes of a tensor (format 1.0, or 2.0 for a header over 64 KiB). `kind`
    /// chooses the stored type for integer and bool arrays (`<i8`, `<i4`, `|b1`).
    public static func encode(_ tensor: Tensor, kind: ElementKind? = nil) -> [UInt8] {
        let kind = kind ?? ElementKind(tensor.dtype)
        let descr: String
        switch kind {
        case .float32: descr = "<f4"
        case .float64: descr = "<f8"
        case .int32: descr = "<i4"
        case .int64: descr = "<i8"
        case .bool: descr = "|b1"
        }
        let shape = "(" + tensor.shape.map(String.init).joined(separator: ", ") + (tensor.rank == 1 ? ",)" : ")")
        var dict = "{'descr': '\(descr)', 'fortran_order': False, 'shape': \(shape), }"
        var version: UInt8 = 1
        var prefixLength = 10
        if dict.count + 1 + prefixLength > 65535 {
            version = 2
            prefixLength = 12
        }
        let padding = (64 - (prefixLength + dict.count + 1) % 64) % 64
        dict += String(repeating: " ", count: padding) + "\n"
        var bytes = magic + [version, 0]
        let length = dict.utf8.count
        bytes += version == 1 ? [UInt8(length & 0xFF), UInt8(length >> 8)]
            : [UInt8(length & 0xFF), UInt8((length >> 8) & 0xFF), UInt8((length >> 16) & 0xFF), UInt8(length >> 24)]
        bytes += Array(dict.utf8)
        bytes.reserveCapacity(bytes.count + tensor.count * 8)
        func append<T: FixedWidthInteger>(_ v: T) { withUnsafeBytes(of: v.littleEndian) { bytes += $0 } }
        switch kind {
        case .float32:
            let values = tensor.dtype == .float32 ? tensor : tensor.converted(to: .float32)
            if case .float32(let a) = values.storage { for v in a { append(v.bitPattern) } }
        case .float64:
            for v in tensor.doubles { append(v.bitPattern) }
        case .int32:
            for v in tensor.doubles { append(Int32(clamping: v.isFinite ? Int64(max(min(v, 9.2e18), -9.2e18)) : 0)) }
        case .int64:
            for v in tensor.doubles { append(v.isFinite ? Int64(max(min(v, 9.2e18), -9.2e18)) : 0) }
        case .bool:
            for v in tensor.doubles { bytes.append(v != 0 ? 1 : 0) }
        }
        return bytes
    }

    /// Writes a tensor to `path` (exactly that path; `np.save` adds `.npy` itself). The bytes go
    /// to a temporary file in the same folder, which is then renamed: a failure never leaves a
    /// half-written file behind.
    public static func write(_ tensor: Tensor, _ path: String, kind: ElementKind? = nil) throws(NPYError) {
        try AtomicFile.write(encode(tensor, kind: kind), to: path)
    }
}

/// Whole-file writes through a temporary file and `rename`.
enum AtomicFile {
    static func write(_ bytes: [UInt8], to path: String) throws(NPYError) {
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent().path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw NPYError("no such folder: \(folder)")
        }
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw NPYError("\(path) is a directory")
        }
        let temporary = folder + "/." + url.lastPathComponent + ".tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        guard FileManager.default.createFile(atPath: temporary, contents: Data(bytes)) else {
            throw NPYError("cannot write \(path) (permission denied or disk full)")
        }
        if rename(temporary, path) != 0 {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw NPYError("cannot write \(path): \(reason)")
        }
    }
}

/// The Python dict literal of a `.npy` header: string keys; values are strings, booleans,
/// tuples of ints, or anything else (kept as text, to be reported).
private struct DictParser {
    enum Item: CustomStringConvertible {
        case string(String), bool(Bool), tuple([Int]), other(String)
        var description: String {
            switch self {
            case .string(let s): return "'\(s)'"
            case .bool(let b): return b ? "True" : "False"
            case .tuple(let t): return "\(t)"
            case .other(let s): return s
            }
        }
    }

    let chars: [Character]
    var i = 0
    init(_ chars: [Character]) { self.chars = chars }

    mutating func skipSpace() { while i < chars.count, chars[i].isWhitespace { i += 1 } }

    func fail(_ what: String) -> NPYError {
        NPYError("bad .npy header (\(what)): \(String(chars).trimmingCharacters())")
    }

    mutating func parse() throws(NPYError) -> [String: Item] {
        skipSpace()
        guard i < chars.count, chars[i] == "{" else { throw fail("expected '{'") }
        i += 1
        var result = [String: Item]()
        while true {
            skipSpace()
            guard i < chars.count else { throw fail("unterminated dict") }
            if chars[i] == "}" { i += 1; break }
            guard case .string(let key) = try value() else { throw fail("keys must be strings") }
            skipSpace()
            guard i < chars.count, chars[i] == ":" else { throw fail("expected ':'") }
            i += 1
            result[key] = try value()
            skipSpace()
            if i < chars.count, chars[i] == "," { i += 1 }
        }
        skipSpace()
        guard i == chars.count else { throw fail("text after the dict") }
        return result
    }

    mutating func value() throws(NPYError) -> Item {
        skipSpace()
        guard i < chars.count else { throw fail("missing value") }
        let c = chars[i]
        if c == "'" || c == "\"" {
            i += 1
            let start = i
            while i < chars.count, chars[i] != c { i += 1 }
            guard i < chars.count else { throw fail("unterminated string") }
            let s = String(chars[start..<i])
            i += 1
            return .string(s)
        }
        if c == "(" {
            i += 1
            var items = [Int]()
            while true {
                skipSpace()
                guard i < chars.count else { throw fail("unterminated tuple") }
                if chars[i] == ")" { i += 1; break }
                let start = i
                while i < chars.count, chars[i].isNumber || chars[i] == "-" || chars[i] == "L" { i += 1 }
                let digits = String(chars[start..<i]).replacingOccurrences(of: "L", with: "")
                guard let n = Int(digits) else { throw fail("shape entries must be integers") }
                items.append(n)
                skipSpace()
                if i < chars.count, chars[i] == "," { i += 1 }
            }
            return .tuple(items)
        }
        let start = i
        var depth = 0
        while i < chars.count {
            let d = chars[i]
            if depth == 0 && (d == "," || d == "}") { break }
            if d == "[" || d == "(" { depth += 1 } else if d == "]" || d == ")" { depth -= 1 }
            i += 1
        }
        let word = String(chars[start..<i]).trimmingCharacters()
        if word == "True" { return .bool(true) }
        if word == "False" { return .bool(false) }
        return .other(word)
    }
}
