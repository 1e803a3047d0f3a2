import Foundation
import Testing
@testable import TConvTerminal

@Suite struct HistoryStoreTests {
    func temporaryPath() -> String {
        NSTemporaryDirectory() + "tconv-history-test-\(UUID().uuidString)/state/tconv/history"
    }

    @Test func pathFollowsXDG() {
        #expect(HistoryStore.defaultPath(environment: ["XDG_STATE_HOME": "/s", "HOME": "/h"]) == "/s/tconv/history")
        #expect(HistoryStore.defaultPath(environment: ["HOME": "/h"]) == "/h/.local/state/tconv/history")
        #expect(HistoryStore.defaultPath(environment: ["XDG_STATE_HOME": "relative", "HOME": "/h"]) == "/h/.local/state/tconv/history")
        #expect(HistoryStore.defaultPath(environment: ["XDG_STATE_HOME": "", "HOME": "/h"]) == "/h/.local/state/tconv/history")
        #expect(HistoryStore.defaultPath(environment: [:]) == nil)
    }

    @Test func writesEachLineAsAcceptedCreatingDirectories() throws {
        let path = temporaryPath()
        let store = HistoryStore(path: path)
        store.load()
        #expect(store.append("x = 1"))
        // Written at once, not at exit: a crash loses nothing.
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "x = 1\n")
        #expect(store.append("y = x"))
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "x = 1\ny = x\n")
    }

    @Test func dropsConsecutiveDuplicatesAndBlanks() throws {
        let path = temporaryPath()
        let store = HistoryStore(path: path)
        #expect(store.append("a"))
        #expect(!store.append("a"))
        #expect(!store.append("   "))
        #expect(store.append("b"))
        #expect(store.append("a"))
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "a\nb\na\n")
    }

    @Test func persistsAcrossSessions() {
        let path = temporaryPath()
        let first = HistoryStore(path: path)
        first.append("one")
        first.append("two")
        let second = HistoryStore(path: path)
        #expect(second.load() == ["one", "two"])
        #expect(!second.append("two"))
        #expect(second.append("three"))
        #expect(HistoryStore(path: path).load() == ["one", "two", "three"])
    }

    @Test func trimsToTheLimit() {
        let path = temporaryPath()
        let store = HistoryStore(path: path, limit: 3)
        for i in 0..<6 { store.append("line \(i)") }
        #expect(HistoryStore(path: path, limit: 3).load() == ["line 3", "line 4", "line 5"])
        #expect(HistoryStore(path: path, limit: 10).load() == ["line 3", "line 4", "line 5"])
    }
}
