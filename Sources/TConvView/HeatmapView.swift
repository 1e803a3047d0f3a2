/// What the heatmap (channel grid) view shows and where its cursor is.
public struct HeatmapSettings: Sendable, Equatable {
    /// The colour map; nil chooses RdBu for signed data and viridis otherwise.
    public var map: ColorMapKind?
    public var scaleMode: ScaleMode
    /// Print values in cells wide enough for them.
    public var numbers: Bool
    /// The small multiple under the cursor.
    public var focus: Int
    /// The depth slice (3-D tensors).
    public var depth: Int
    /// Cursor element inside the focused slice.
    public var row: Int
    public var col: Int
    public var showCursor: Bool

    public init(map: ColorMapKind? = nil, scaleMode: ScaleMode = .global, numbers: Bool = false, focus: Int = 0,
                depth: Int = 0, row: Int = 0, col: Int = 0, showCursor: Bool = true) {
        self.map = map
        self.scaleMode = scaleMode
        self.numbers = numbers
        self.focus = focus
        self.depth = depth
        self.row = row
        self.col = col
        self.showCursor = showCursor
    }
}

/// The channel grid: every (batch, channel) slice of a tensor as a small multiple, 3-D tensors
/// as strips of depth slices, a colour bar, and a readout of the element under the cursor.
public enum HeatmapView {
    /// Element sizes tried from the largest down; the first that fits everything wins.
    static func candidates(options: RenderOptions, numbers: Bool, numberWidth: Int) -> [ElementSize] {
        var list = [ElementSize]()
        if numbers {
            let w = max(3, numberWidth + 1)
            list += [.cells(columns: max(6, w), rows: 3), .cells(columns: max(4, w), rows: 2), .cells(columns: w, rows: 1)]
            if w > 5 { list += [.cells(columns: 5, rows: 2), .cells(columns: 5, rows: 1)] }
        }
        list += [.cells(columns: 8, rows: 4), .cells(columns: 6, rows: 3), .cells(columns: 4, rows: 2)]
        if options.glyphMode == .halfBlock && !options.presenter {
            list += [.cells(columns: 2, rows: 1), .half]
        } else {
            list.append(.cells(columns: 2, rows: 1))
        }
        if options.glyphMode == .halfBlock && options.presenter { list.append(.half) }
        return list
    }

    /// How the slices are arranged for one element size.
    struct Arrangement {
        var size: ElementSize
        var unitWidth: Int, unitHeight: Int
        var perRow: Int
        var unitRows: Int
        var depthPanels: Int
        var fitsAll: Bool
        var fitsOneUnit: Bool
    }

    static let gap = 2

    static func arrange(_ p: TensorPicture, size: ElementSize, width: Int, height: Int, labelWidth: Int) -> Arrangement {
        let cut = p.slices
        let body = size.extent(rows: cut.rows, cols: cut.cols)
        let depthPanels = cut.spatialRank == 3 ? cut.depth : 1
        let panelWidth = max(body.width, cut.spatialRank == 3 ? 4 : 0)
        let stripWidth = depthPanels * panelWidth + (depthPanels - 1) * 1
        let unitWidth = max(stripWidth, min(labelWidth, width))
        let unitHeight = body.height + (cut.spatialRank == 3 ? 2 : 1)
        let perRow = max(1, (width + gap) / (unitWidth + gap))
        let count = max(1, cut.sliceCount)
        let unitRows = (count + perRow - 1) / perRow
        let totalHeight = unitRows * (unitHeight + 1) - 1
        let fitsAll = unitWidth <= width && totalHeight <= height
        return Arrangement(size: size, unitWidth: unitWidth, unitHeight: unitHeight, perRow: perRow, unitRows: unitRows,
                           depthPanels: depthPanels, fitsAll: fitsAll,
                           fitsOneUnit: stripWidth <= width && unitHeight <= height)
    }

    /// Draws `picture` into a `width` x `height` grid.
    public static func render(_ picture: TensorPicture, settings: HeatmapSettings, width: Int, height: Int,
                              options: RenderOptions = .standard) -> Grid {
        var grid = Grid(width: width, height: height)
        let theme = options.theme
        let cut = picture.slices
        guard width > 0, height > 0 else { return grid }
        let title = picture.name + "  " + picture.shapeDescription
        guard !cut.isEmpty, !picture.values.isEmpty else {
            grid.put(title, x: 0, y: 0, style: theme.style(.title), limit: width)
            grid.put("empty tensor: nothing to draw (an axis has size 0)", x: 0, y: min(1, height - 1),
                     style: theme.style(.note), limit: width)
            return grid
        }
        let focus = max(0, min(settings.focus, cut.sliceCount - 1))
        let depth = max(0, min(settings.depth, cut.depth - 1))
        let row = max(0, min(settings.row, cut.rows - 1)), col = max(0, min(settings.col, cut.cols - 1))
        let footerHeight = height >= 8 ? ColorBar.height + 1 : 1
        let bodyTop = 1, bodyHeight = max(0, height - 1 - footerHeight)
        let labelWidth = cut.label(name: picture.name, slice: cut.sliceCount - 1, depth: cut.spatialRank == 3 ? 0 : nil).count

        var chosen: Arrangement? = nil
        var numbersShown = settings.numbers
        let sizes = candidates(options: options, numbers: settings.numbers, numberWidth: picture.numberWidth)
        for size in sizes {
            let a = arrange(picture, size: size, width: width, height: bodyHeight, labelWidth: labelWidth)
            if a.fitsAll { chosen = a; break }
        }
        if chosen == nil {
            // Nothing shows every slice: take the smallest size and scroll.
            let smallest = sizes.last ?? .cells(columns: 2, rows: 1)
            chosen = arrange(picture, size: smallest, width: width, height: bodyHeight, labelWidth: labelWidth)
        }
        guard let a = chosen else { return grid }
        if case .cells(let c, _) = a.size, c >= min(5, picture.numberWidth + 1) { } else { numbersShown = false }
        let scaleFor: (Int) -> ColorScale = { n in picture.scale(forSlice: n, mode: settings.scaleMode, map: settings.map) }
        var notes = [String]()
        if settings.numbers && !numbersShown { notes.append("numbers need wider cells") }

        if a.fitsAll || a.fitsOneUnit {
            // Page through rows of units so the focused slice is visible.
            let rowsVisible = max(1, (bodyHeight + 1) / (a.unitHeight + 1))
            let focusRow = focus / a.perRow
            let firstRow = (focusRow / rowsVisible) * rowsVisible
            let firstSlice = firstRow * a.perRow
            let lastSlice = min(cut.sliceCount, (firstRow + rowsVisible) * a.perRow) - 1
            if firstSlice > 0 || lastSlice < cut.sliceCount - 1 {
                notes.append("slices \(firstSlice + 1)-\(lastSlice + 1) of \(cut.sliceCount)")
            }
            for n in firstSlice...max(firstSlice, lastSlice) where n < cut.sliceCount {
                let k = n - firstSlice
                let ux = (k % a.perRow) * (a.unitWidth + gap)
                let uy = bodyTop + (k / a.perRow) * (a.unitHeight + 1)
                drawUnit(picture, slice: n, arrangement: a, numbers: numbersShown, scale: scaleFor(n), settings: settings,
                         cursor: n == focus && settings.showCursor ? (depth, row, col) : nil, focused: n == focus,
                         options: options, window: nil, into: &grid, x: ux, y: uy, width: width)
            }
        } else {
            // One slice is larger than the pane: show a window of the focused slice around the cursor.
            let depthPanel = a.depthPanels > 1
            let capacity = a.size.capacity(width: width, height: bodyHeight - (depthPanel ? 2 : 1))
            let window = ElementWindow.showing(focus: (row, col), rows: cut.rows, cols: cut.cols, capacity: capacity)
            notes.append("rows \(window.rowStart)-\(window.rowStart + window.rows - 1) of \(cut.rows), "
                         + "cols \(window.colStart)-\(window.colStart + window.cols - 1) of \(cut.cols)")
            drawUnit(picture, slice: focus, arrangement: a, numbers: numbersShown, scale: scaleFor(focus), settings: settings,
                     cursor: settings.showCursor ? (depth, row, col) : nil, focused: true, options: options,
                     window: window, into: &grid, x: 0, y: bodyTop, width: width)
        }

        var header = title + "  " + "\(cut.sliceCount) slice\(cut.sliceCount == 1 ? "" : "s")"
        header += "  scale: " + settings.scaleMode.description
        if !notes.isEmpty { header += "  (" + notes.joined(separator: "; ") + ")" }
        grid.put(header, x: 0, y: 0, style: theme.style(.title), limit: width, ellipsis: "~")

        // Footer: colour bar of the focused slice's scale, then the cursor readout.
        let scale = scaleFor(focus)
        if footerHeight > 1 {
            let barWidth = min(width, max(24, min(60, width / 2)))
            ColorBar.draw(scale, options: options, into: &grid, x: 0, y: height - 3, width: barWidth,
                          note: settings.scaleMode == .global ? nil : "(" + settings.scaleMode.description + ")")
        }
        let index = cut.elementIndex(slice: focus, depth: depth, row: row, col: col)
        let value = picture.value(at: index) ?? .nan
        var readout = picture.name + NumberFormat.list(index) + " = " + NumberFormat.format(value, precision: options.precision)
        if picture.globalRange.nanCount > 0 || picture.globalRange.infiniteCount > 0 {
            readout += "   (\(picture.globalRange.nanCount) nan, \(picture.globalRange.infiniteCount) inf)"
        }
        grid.put(readout, x: 0, y: height - 1, style: theme.style(.label), limit: width)
        return grid
    }

    static func drawUnit(_ p: TensorPicture, slice n: Int, arrangement a: Arrangement, numbers: Bool, scale: ColorScale,
                         settings: HeatmapSettings, cursor: (Int, Int, Int)?, focused: Bool, options: RenderOptions,
                         window: ElementWindow?, into grid: inout Grid, x: Int, y: Int, width: Int) {
        let cut = p.slices
        let theme = options.theme
        let painter = HeatmapPainter(scale: scale, options: options, size: a.size, numbers: numbers)
        let is3D = cut.spatialRank == 3
        let label = cut.label(name: p.name, slice: n, depth: is3D ? cursor?.0 ?? settings.depth : nil)
        let labelStyle = focused ? CellStyle(role: .label, bold: true, underline: true) : theme.style(.label)
        grid.put(label, x: x, y: y, style: labelStyle, limit: min(a.unitWidth, width - x))
        let w = window ?? ElementWindow(rows: cut.rows, cols: cut.cols)
        let bodyWidth = a.size.extent(rows: w.rows, cols: w.cols).width
        let panelWidth = max(bodyWidth, is3D ? 4 : 0)
        var depths = Array(0..<cut.depth)
        if is3D && window != nil {
            // Scrolled: only the current depth slice.
            depths = [max(0, min(settings.depth, cut.depth - 1))]
        }
        for (k, d) in depths.enumerated() {
            let px = x + k * (panelWidth + 1)
            var py = y + 1
            if is3D {
                let current = d == max(0, min(settings.depth, cut.depth - 1))
                let style = current ? CellStyle(role: .cursor, bold: true, reverse: true) : theme.style(.dim)
                grid.put("d=\(d)", x: px, y: py, style: style, limit: panelWidth)
                py += 1
            }
            let s = p.slice(n, depth: d)
            let mark: ((Int, Int) -> StyleRole?)? = cursor.flatMap { c in
                c.0 == d ? { r, cc in r == c.1 && cc == c.2 ? .cursor : nil } : nil
            }
            painter.draw(s, into: &grid, x: px, y: py, window: w, mark: mark)
        }
    }
}
