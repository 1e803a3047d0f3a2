/// One line of the message area.
public struct ScreenMessage: Sendable, Equatable {
    public var text: String
    /// `.normal`, `.note`, `.error`, `.message` ...
    public var role: StyleRole
    public init(_ text: String, role: StyleRole = .message) {
        self.text = text
        self.role = role
    }
}

/// Where everything goes on the screen for a terminal size: the pane on top, a status line, a
/// message area, and the input rows at the bottom that the terminal layer's readline line draws
/// into itself.
public struct ScreenLayout: Sendable, Equatable {
    /// The smallest terminal tconv draws a pane in.
    public static let minimumWidth = 40
    public static let minimumHeight = 12

    public let width: Int
    public let height: Int
    /// True when the terminal is below the minimum: show `ScreenLayout.tooSmallGrid` instead.
    public let tooSmall: Bool
    /// The view pane (top), the status line, and the message area above the input rows.
    public let pane: Rect
    public let status: Rect
    public let messages: Rect
    /// Rows reserved for the input line (drawn by the terminal layer).
    public let input: Rect

    /// The layout of a `width` x `height` terminal. `messageLines` defaults to 2-4 by height (1 in
    /// presenter mode, which gives the pane every row it can).
    public init(width: Int, height: Int, presenter: Bool = false, messageLines: Int? = nil, inputLines: Int = 1) {
        self.width = max(0, width)
        self.height = max(0, height)
        tooSmall = width < ScreenLayout.minimumWidth || height < ScreenLayout.minimumHeight
        let inputRows = max(1, inputLines)
        var messageRows = messageLines ?? (presenter ? 1 : (height >= 40 ? 4 : (height >= 24 ? 3 : 2)))
        messageRows = max(0, min(messageRows, max(0, height - inputRows - 1 - 4)))
        let paneRows = max(0, height - inputRows - messageRows - 1)
        pane = Rect(x: 0, y: 0, width: width, height: paneRows)
        status = Rect(x: 0, y: paneRows, width: width, height: height > paneRows ? 1 : 0)
        messages = Rect(x: 0, y: paneRows + 1, width: width, height: messageRows)
        input = Rect(x: 0, y: paneRows + 1 + messageRows, width: width, height: max(0, height - paneRows - 1 - messageRows))
    }

    /// "tconv needs at least 40x12, this terminal is 30x10", centred (wrapped when narrow).
    public static func tooSmallGrid(width: Int, height: Int, options: RenderOptions = .standard) -> Grid {
        var grid = Grid(width: width, height: height)
        guard width > 0, height > 0 else { return grid }
        let text = "tconv needs at least \(minimumWidth)x\(minimumHeight), this terminal is \(width)x\(height)"
        var lines = [String]()
        var line = ""
        for word in text.split(separator: " ") {
            let w = String(word)
            if line.isEmpty { line = w } else if line.count + 1 + w.count <= width { line += " " + w } else {
                lines.append(line)
                line = w
            }
        }
        if !line.isEmpty { lines.append(line) }
        let top = max(0, (height - lines.count) / 2)
        for (n, l) in lines.enumerated() where top + n < height {
            grid.putCentered(l, x: 0, y: top + n, width: width, style: options.theme.style(.error))
        }
        return grid
    }

    /// The whole screen but the input rows: `pane` on top (clipped), the status line, then the
    /// last messages that fit. A too-small terminal gets `tooSmallGrid`.
    public func compose(pane paneGrid: Grid, status statusText: String, messages list: [ScreenMessage],
                        options: RenderOptions = .standard) -> Grid {
        if tooSmall { return ScreenLayout.tooSmallGrid(width: width, height: height, options: options) }
        var grid = Grid(width: width, height: height)
        grid.blit(paneGrid, x: pane.x, y: pane.y, within: pane.x, pane.y, pane.width, pane.height)
        if status.height > 0 {
            let style = options.theme.style(.status)
            grid.fill(status, with: GridCell(" ", style: style))
            grid.put(statusText, x: 0, y: status.y, style: style, limit: width)
        }
        let shown = list.suffix(messages.height)
        for (n, message) in shown.enumerated() {
            grid.put(message.text, x: 0, y: messages.y + n, style: options.theme.style(message.role), limit: width, ellipsis: "~")
        }
        return grid
    }

    /// The full frame for a view state: its pane, its status line and the messages.
    public func frame(_ state: ViewState, messages list: [ScreenMessage] = [], options: RenderOptions = .standard) -> Grid {
        if tooSmall { return ScreenLayout.tooSmallGrid(width: width, height: height, options: options) }
        let paneGrid = state.render(width: pane.width, height: pane.height, options: options)
        return compose(pane: paneGrid, status: state.statusLine(width: width, options: options), messages: list, options: options)
    }
}
