/// Files are written only when the session allows it. A session file from someone else is
/// replayed with `SessionOptions.allowWrites == false`: then `np.save`, `%save` and `%export` ask
/// the front end's `confirmWrite` callback, or are refused with an `io` error naming the file.
/// Nothing in the language runs shell commands or opens files for writing in any other way.
extension Interpreter {
    /// Throws unless `command` may write `path` now.
    func authorizeWrite(_ path: String, by command: String, span: Span?) throws(ScriptError) {
        if allowWrites { return }
        if let confirmWrite {
            guard confirmWrite("\(command) would write '\(path)'. Allow?") else {
                throw .io("\(command): writing '\(path)' was declined", span)
            }
            return
        }
        throw .io("\(command): writing '\(path)' is not allowed in this session", span,
                  notes: ["files replayed from elsewhere may not write files; run tconv with --allow-writes to allow it"])
    }
}
