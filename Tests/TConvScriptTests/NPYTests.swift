import Foundation
import Testing
import TConvEngine
import TConvScript

/// `.npy` reading and writing. The encoded files below were written by numpy 2.4 (`np.save`,
/// `np.lib.format.write_array`), so the reader is checked against the real format and the
/// writer must reproduce numpy's bytes exactly.
@Suite struct NPYTests {
    static let numpyFiles: [String: String] = [
        "f4_2x3": "k05VTVBZAQB2AHsnZGVzY3InOiAnPGY0JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsIDMpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAAAACAPgAAAD8AAEA/AACAPwAAoD8=",
        "f8_scalar": "k05VTVBZAQB2AHsnZGVzY3InOiAnPGY4JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKCksIH0gICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAAAAAEQA==",
        "f8_empty": "k05VTVBZAQB2AHsnZGVzY3InOiAnPGY4JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDAsIDMpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAo=",
        "i8": "k05VTVBZAQB2AHsnZGVzY3InOiAnPGk4JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDMsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAr9/////////wAAAAAAAAAABwAAAAAAAAA=",
        "i2": "k05VTVBZAQB2AHsnZGVzY3InOiAnPGkyJywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIArU/gUA",
        "u1": "k05VTVBZAQB2AHsnZGVzY3InOiAnfHUxJywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDMsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAyP8=",
        "b1": "k05VTVBZAQB2AHsnZGVzY3InOiAnfGIxJywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDMsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoBAAE=",
        "big_f4": "k05VTVBZAQB2AHsnZGVzY3InOiAnPmY0JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDEsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAo/wAAA",
        "c8": "k05VTVBZAQB2AHsnZGVzY3InOiAnPGM4JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDEsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAIA/AAAAQA==",
        "fortran": "k05VTVBZAQB2AHsnZGVzY3InOiAnPGY4JywgJ2ZvcnRyYW5fb3JkZXInOiBUcnVlLCAnc2hhcGUnOiAoMiwgMyksIH0gICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAAAAAAAAAAAAAAAAhAAAAAAAAA8D8AAAAAAAAQQAAAAAAAAABAAAAAAAAAFEA=",
        "v2": "k05VTVBZAgB0AAAAeydkZXNjcic6ICc8ZjQnLCAnZm9ydHJhbl9vcmRlcic6IEZhbHNlLCAnc2hhcGUnOiAoMiwpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAIA/AAAAwA==",
        "v3": "k05VTVBZAwB0AAAAeydkZXNjcic6ICc8ZjgnLCAnZm9ydHJhbl9vcmRlcic6IEZhbHNlLCAnc2hhcGUnOiAoMSwgMSksIH0gICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAAAADgPw==",
        "U": "k05VTVBZAQB2AHsnZGVzY3InOiAnPFUyJywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDEsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAphAAAAYgAAAA==",
        "O": "k05VTVBZAQB2AHsnZGVzY3InOiAnfE8nLCAnZm9ydHJhbl9vcmRlcic6IEZhbHNlLCAnc2hhcGUnOiAoMiwpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAqABJWNAAAAAAAAAIwWbnVtcHkuX2NvcmUubXVsdGlhcnJheZSMDF9yZWNvbnN0cnVjdJSTlIwFbnVtcHmUjAduZGFycmF5lJOUSwCFlEMBYpSHlFKUKEsBSwKFlGgDjAVkdHlwZZSTlIwCTziUiYiHlFKUKEsDjAF8lE5OTkr/////Sv////9LP3SUYoldlChOSwFldJRiLg==",
        "f2": "k05VTVBZAQB2AHsnZGVzY3InOiAnPGYyJywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDEsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAPA==",
    ]

    static func bytes(_ name: String) -> [UInt8] {
        [UInt8](Data(base64Encoded: numpyFiles[name] ?? "") ?? Data())
    }

    /// A version 1.0 file with this header text and data.
    static func file(header: String, data: [UInt8] = []) -> [UInt8] {
        let text = header + String(repeating: " ", count: (64 - (10 + header.count + 1) % 64) % 64) + "\n"
        return NPY.magic + [1, 0, UInt8(text.count & 0xFF), UInt8(text.count >> 8)] + Array(text.utf8) + data
    }

    @Test func readsNumpyFiles() throws {
        let f4 = try NPY.decode(Self.bytes("f4_2x3"))
        #expect(f4.kind == .float32 && f4.tensor.shape == [2, 3] && f4.tensor.doubles == [0, 0.25, 0.5, 0.75, 1, 1.25])
        let scalar = try NPY.decode(Self.bytes("f8_scalar"))
        #expect(scalar.tensor.shape == [] && scalar.tensor.doubles == [2.5] && scalar.kind == .float64)
        let empty = try NPY.decode(Self.bytes("f8_empty"))
        #expect(empty.tensor.shape == [0, 3] && empty.tensor.count == 0)
        let i8 = try NPY.decode(Self.bytes("i8"))
        #expect(i8.kind == .int64 && i8.tensor.doubles == [-3, 0, 7])
        let i2 = try NPY.decode(Self.bytes("i2"))
        #expect(i2.kind == .int32 && i2.tensor.doubles == [-300, 5])
        let u1 = try NPY.decode(Self.bytes("u1"))
        #expect(u1.tensor.doubles == [0, 200, 255])
        let b1 = try NPY.decode(Self.bytes("b1"))
        #expect(b1.kind == .bool && b1.tensor.doubles == [1, 0, 1])
        let v2 = try NPY.decode(Self.bytes("v2"))
        #expect(v2.tensor.doubles == [1, -2] && v2.tensor.dtype == .float32)
        let v3 = try NPY.decode(Self.bytes("v3"))
        #expect(v3.tensor.shape == [1, 1] && v3.tensor.doubles == [0.5])
    }

    @Test func writesNumpysExactBytes() {
        let f4 = Tensor(shape: [2, 3], float32: [0, 0.25, 0.5, 0.75, 1, 1.25])
        #expect(NPY.encode(f4) == Self.bytes("f4_2x3"))
        #expect(NPY.encode(Tensor(shape: [], float64: [2.5])) == Self.bytes("f8_scalar"))
        #expect(NPY.encode(Tensor(shape: [0, 3], float64: [])) == Self.bytes("f8_empty"))
        #expect(NPY.encode(Tensor(shape: [3], float64: [-3, 0, 7]), kind: .int64) == Self.bytes("i8"))
        #expect(NPY.encode(Tensor(shape: [3], float64: [1, 0, 1]), kind: .bool) == Self.bytes("b1"))
    }

    @Test(arguments: [
        ("big_f4", "big-endian"), ("c8", "complex"), ("fortran", "Fortran-order"), ("U", "unicode string"),
        ("O", "object"), ("f2", "float16"),
    ])
    func refusesOtherArraysNamingWhatTheyAre(name: String, mention: String) {
        do {
            _ = try NPY.decode(Self.bytes(name))
            Issue.record("\(name) was accepted")
        } catch {
            #expect(error.message.contains(mention), "\(name): \(error.message)")
        }
    }

    @Test func refusesBrokenFiles() {
        let good = Self.bytes("f4_2x3")
        var cases: [(String, [UInt8], String)] = [
            ("empty", [], "empty"),
            ("not npy", Array("hello world, not numpy".utf8), "not a .npy file"),
            ("magic only", Array(good.prefix(6)), "truncated"),
            ("header cut", Array(good.prefix(40)), "truncated"),
            ("data cut", Array(good.dropLast(3)), "truncated"),
        ]
        var version = good
        version[6] = 9
        cases.append(("version 9", version, "version 9"))
        var badHeader = good
        if let i = badHeader.firstIndex(of: UInt8(ascii: "{")) { badHeader[i] = UInt8(ascii: "[") }
        cases.append(("bad header", badHeader, "bad .npy header"))
        cases.append(("negative shape", Self.file(header: "{'descr': '<f4', 'fortran_order': False, 'shape': (-2, 3), }"), "negative"))
        cases.append(("no descr", Self.file(header: "{'fortran_order': False, 'shape': (2,), }"), "no 'descr'"))
        cases.append(("structured", Self.file(header: "{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (2,), }"), "structured"))
        cases.append(("huge shape", Self.file(header: "{'descr': '<f8', 'fortran_order': False, 'shape': (4294967296, 4294967296), }"), "too large"))
        for (label, bytes, mention) in cases {
            do {
                _ = try NPY.decode(bytes)
                Issue.record("\(label) was accepted")
            } catch {
                #expect(error.message.contains(mention), "\(label): \(error.message)")
            }
        }
    }

    @Test func roundTripsThroughFilesAtomically() throws {
        let folder = TestPaths.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        for tensor in [Tensor(shape: [2, 1, 3], float32: [1, -2, 3.5, 0, 1e-7, -0.0]),
                       Tensor(shape: [], float64: [Double.pi]),
                       Tensor(shape: [4], float64: [1, .infinity, -.infinity, 0.1])] {
            let path = folder.appendingPathComponent("t.npy").path
            try NPY.write(tensor, path)
            let back = try NPY.read(path)
            #expect(back == tensor)
        }
        // Only the file itself remains: the temporary file was renamed.
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        #expect(names == ["t.npy"])
        // A folder that does not exist: an error, and nothing written.
        #expect(throws: NPYError.self) { try NPY.write(Tensor(shape: [1], float32: [1]), folder.path + "/missing/x.npy") }
    }

    @Test func npSaveAndLoadInTheLanguage() throws {
        let folder = TestPaths.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let session = ScriptSession()
        let base = folder.appendingPathComponent("arr").path
        #expect(session.output("np.save(\"\(base)\", np.arange(6).reshape(2, 3))").isEmpty)
        #expect(FileManager.default.fileExists(atPath: base + ".npy"))
        #expect(session.output("np.load(\"\(base).npy\")") == ["<array [2,3] int64>", "[[0 1 2]", " [3 4 5]]"])
        let readOnly = ScriptSession(options: SessionOptions(allowWrites: false))
        #expect(readOnly.output("np.save(\"\(base)2\", np.zeros(2))").first?.hasPrefix("error[io]: np.save: writing '\(base)2.npy' is not allowed in this session") == true)
        try Data([1, 2, 3]).write(to: folder.appendingPathComponent("bad.npy"))
        #expect(session.output("np.load(\"\(folder.path)/bad.npy\")").first?.hasPrefix("error[io]: np.load: not a .npy file") == true)
    }
}
