import CTerm
import Foundation
import TConvView

/// Drawing the full screen: pane, status line, message area, input line (refreshed last, so the
/// hardware cursor sits in the prompt). Only what is dirty is redrawn.
extension CursesRepl {
    func render() {
        guard frameStats else { renderFrame(); return }
        let start = ContinuousClock.now
        renderFrame()
        let d = ContinuousClock.now - start
        frames += 1
        frameTimes.append(Double(d.components.attoseconds) / 1e15 + Double(d.components.seconds) * 1000)
    }

    func reportFrameStats() {
        let sorted = frameTimes.sorted()
        guard !sorted.isEmpty else { return }
        let mean = sorted.reduce(0, +) / Double(sorted.count)
        let p95 = sorted[min(sorted.count - 1, sorted.count * 95 / 100)]
        StandardError.write(String(format: "frames: %d, render mean %.2f ms, p95 %.2f ms, max %.2f ms\n",
                                   sorted.count, mean, p95, sorted.last ?? 0))
    }

    func renderFrame() {
        if screen.resetPairsIfNeeded() { dirty = (true, true, true, true) }
        if screen.layout.tooSmall {
            drawTooSmall()
            return
        }
        if dirty.pane, let window = screen.pane {
            werase(window)
            var grid = pane.render(width: Int(getmaxx(window)), height: Int(getmaxy(window)), options: renderOptions)
            if replayMode?.showHelp == true {
                HelpOverlay.draw(into: &grid, options: renderOptions, entries: KeyMap.replayHelpLines,
                                 title: "replay keys (any key closes this)")
            }
            screen.draw(grid, in: window)
            wnoutrefresh(window)
        }
        if dirty.status, let window = screen.status { drawStatus(window); wnoutrefresh(window) }
        if dirty.messages, let window = screen.messages { drawMessages(window); wnoutrefresh(window) }
        if screen.resetPairsIfNeeded() { dirty = (true, true, true, true); renderFrame(); return }
        if let window = screen.input { drawInput(window); wnoutrefresh(window) }
        doupdate()
        dirty = (false, false, false, false)
    }

    func drawTooSmall() {
        guard let window = cterm_stdscr() else { return }
        werase(window)
        let lines = ["terminal too small:", "\(screen.width)x\(screen.height), need",
                     "\(FrontLayout.minimumWidth)x\(FrontLayout.minimumHeight).", "Enlarge it, or", "Ctrl-D quits."]
        for (i, line) in lines.enumerated() where i < screen.height {
            screen.put(line, in: window, y: i, style: renderOptions.theme.style(.error))
        }
        wnoutrefresh(window)
        doupdate()
    }

    var renderOptions: RenderOptions { screen.depth.renderOptions(utf8: screen.unicode, presenter: presenter) }

    func drawStatus(_ window: Window) {
        let width = Int(getmaxx(window))
        var text: String
        if let mode = replayMode, focus != .pane {
            drawReplayStatus(window, mode)
            return
        }
        if focus == .pane {
            text = " PANE · " + pane.statusLine(width: max(0, width - 9), options: renderOptions)
        } else {
            var right = "\(screen.depth.label)\(presenter ? " · presenter" : "") · Ctrl-D quits "
            var left = " tconv · "
            // The view's summary comes first: drop the colour label when the line is tight.
            if !pane.isEmpty && width - left.count - right.count - 12 < 40 { right = "Ctrl-D quits " }
            if pane.isEmpty {
                left += "no view · PgUp/PgDn scroll"
            } else if screen.pane == nil {
                left += "pane hidden: it needs \(ScreenLayout.minimumWidth)x\(ScreenLayout.minimumHeight), "
                    + "this terminal is \(screen.width)x\(screen.height)"
            } else {
                let view = pane.state?.statusParts(options: renderOptions).left ?? ""
                let room = max(10, width - left.count - right.count - 13)
                left += String(view.prefix(room)).trimmingCharacters(in: .whitespaces) + " · Tab: pane"
            }
            text = left
            let gap = width - text.count - right.count
            if gap >= 1 { text += String(repeating: " ", count: gap) + right }
        }
        screen.put(text, in: window, y: 0, style: renderOptions.theme.style(.status))
    }

    func drawMessages(_ window: Window) {
        if let mode = replayMode { drawReplayMessages(window, mode); return }
        werase(window)
        let height = Int(getmaxy(window)), width = Int(getmaxx(window))
        let (rows, _, below) = messages.visible(width: width, height: height)
        // Bottom-aligned, next to the prompt, as in an ordinary terminal.
        let top = max(0, height - rows.count)
        for (i, row) in rows.enumerated() {
            screen.put(row.text, in: window, y: top + i, style: messageStyle(row.role))
        }
        if below > 0 && height >= 3 {
            screen.put("── \(below) more below (PgDn) ──", in: window, y: height - 1, style: renderOptions.theme.style(.status))
        }
    }

    func messageStyle(_ role: StyleRole) -> CellStyle {
        switch role {
        case .prompt: return promptStyle
        case .message: return .plain
        default: return renderOptions.theme.style(role)
        }
    }

    var promptStyle: CellStyle { CellStyle(role: .prompt, foreground: RGB(95, 175, 255), bold: true) }

    func drawInput(_ window: Window) {
        if let mode = replayMode { drawReplayInput(window, mode); return }
        werase(window)
        let width = Int(getmaxx(window))
        if presenter && focus == .pane && evaluation == nil {
            // Presenter mode: no prompt while the class watches the pane; the keys instead.
            screen.put("space play · . , step · Tab view · q prompt", in: window, y: 0, style: renderOptions.theme.style(.dim))
            return
        }
        if let evaluation {
            // Quick statements show nothing; from half a second on, progress and how to cancel.
            if evaluation.elapsedSeconds >= 0.5 {
                spinnerFrame += 1
                screen.put(evaluation.progressText(session, frame: spinnerFrame / 2), in: window, y: 0,
                           style: renderOptions.theme.style(.note))
            }
            return
        }
        let prompt = LineEditor.displayPrompt
        let line = LineEditor.line
        let bytes = Array(line.utf8)
        let point = max(0, min(LineEditor.point, bytes.count))
        let beforeCursor = String(decoding: bytes[..<point], as: UTF8.self)
        let promptWidth = Int(cterm_string_width(prompt))
        let cursorColumn = promptWidth + Int(cterm_string_width(beforeCursor))
        // Scroll horizontally so the cursor stays visible.
        let shift = cursorColumn >= width - 1 ? cursorColumn - (width - 1) + width / 3 : 0
        var column = -shift
        var cells: [(Character, Int, Bool)] = []
        for ch in prompt { cells.append((ch, Int(cterm_string_width(String(ch))), true)) }
        for ch in line { cells.append((ch, max(1, Int(cterm_string_width(String(ch)))), false)) }
        for (ch, w, isPrompt) in cells {
            if column >= 0 && column + w <= width {
                screen.put(String(ch), in: window, y: 0, x: column, style: isPrompt ? promptStyle : .plain, clearRest: false)
            }
            column += w
        }
        if shift > 0 { screen.put("<", in: window, y: 0, x: 0, style: renderOptions.theme.style(.label), clearRest: false) }
        wmove(window, 0, Int32(max(0, min(width - 1, cursorColumn - shift))))
    }
}
