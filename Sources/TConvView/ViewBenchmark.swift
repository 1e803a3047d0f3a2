import TConvEngine

/// A release-mode timing harness for the views (not a test: tests never time anything). The
/// terminal layer can expose it as a hidden `tconv --render-bench`.
///
/// The case is the one the project's budget names: a 64x64x8 output
/// (`conv2d_transpose` of a [1,32,32,8] input with a [3,3,8,8] kernel, stride 2, SAME), all
/// eight channel slices as small multiples plus the step view, at a screen that shows all eight
/// slices (270x80) and at an everyday 120x40.
public enum ViewBenchmark {
    /// One measurement.
    public struct Timing: Sendable, CustomStringConvertible {
        public var name: String
        public var iterations: Int
        /// Milliseconds per iteration: median and fastest.
        public var medianMilliseconds: Double
        public var minimumMilliseconds: Double

        public var description: String {
            NumberFormat.leftPad(NumberFormat.format(medianMilliseconds, precision: 3), 9) + " ms median  "
                + NumberFormat.leftPad(NumberFormat.format(minimumMilliseconds, precision: 3), 9) + " ms min  "
                + "(\(iterations)x)  " + name
        }
    }

    /// Runs every measurement; `iterations` per frame measurement (setup runs fewer).
    public static func run(iterations: Int = 50) -> [Timing] {
        let n = max(1, iterations)
        var results = [Timing]()
        guard let setup = makeState() else { return results }
        results.append(time("setup: StepModel + cursor (result, first-touch map, overlap)", iterations: max(1, n / 10)) {
            _ = makeState()
        })
        var state = setup
        for _ in 0..<200 { state.apply(.stepForward) }
        let options = RenderOptions.standard
        for (w, h) in [(270, 80), (120, 40)] {
            let layout = ScreenLayout(width: w, height: h)
            var channels = state
            channels.view = .channels
            channels.numbers = false
            var scatter = state
            scatter.view = .scatter
            results.append(time("channel grid, 8 slices of 64x64, \(w)x\(h)", iterations: n) {
                _ = channels.render(width: layout.pane.width, height: layout.pane.height, options: options)
            })
            results.append(time("scatter step view, \(w)x\(h)", iterations: n) {
                _ = scatter.render(width: layout.pane.width, height: layout.pane.height, options: options)
            })
            results.append(time("frame = channel grid + step view + status, \(w)x\(h)", iterations: n) {
                _ = layout.frame(channels, options: options)
                _ = layout.frame(scatter, options: options)
            })
            let grid = layout.frame(channels, options: options)
            results.append(time("ANSI text of the channel-grid frame (24-bit), \(w)x\(h)", iterations: n) {
                _ = ANSIRenderer(tier: .direct).render(grid)
            })
            results.append(time("ANSI text of the channel-grid frame (256 colours), \(w)x\(h)", iterations: n) {
                _ = ANSIRenderer(tier: .palette256).render(grid)
            })
            var playing = scatter
            results.append(time("playback: one step forward + step-view frame, \(w)x\(h)", iterations: n) {
                playing.apply(.stepForward)
                _ = layout.frame(playing, options: options)
            })
        }
        for view in [ViewKind.gather, .direct, .overlap] {
            var s = state
            s.view = view
            s.outputCursor = [0, 20, 30]
            results.append(time("\(view) view, 120x40", iterations: n) {
                _ = s.render(width: 120, height: 34, options: options)
            })
        }
        return results
    }

    /// The results as lines of text.
    public static func report(iterations: Int = 50) -> String {
        (["tconv view render timings (release build recommended)"] + run(iterations: iterations).map(\.description))
            .joined(separator: "\n")
    }

    /// The benchmark's step state (before any step), for looking at what is timed.
    public static func benchmarkState() -> ViewState? { makeState() }

    static func makeState() -> ViewState? {
        var xValues = [Double](), wValues = [Double]()
        for i in 0..<(32 * 32 * 8) {
            let v: Int = (i * 37) % 29 - 14
            xValues.append(Double(v) / 8)
        }
        for i in 0..<(9 * 64) {
            let v: Int = (i * 11) % 17 - 8
            wValues.append(Double(v) / 16)
        }
        let x = Tensor(shape: [1, 32, 32, 8], values: xValues, dtype: .float32, layout: .nhwc)
        let w = Tensor(shape: [3, 3, 8, 8], values: wValues, dtype: .float32)
        let keywords: [(String, TFValue)] = [("input", .tensor(x)), ("filters", .tensor(w)), ("output_shape", .ints([1, 64, 64, 8])),
                                             ("strides", 2), ("padding", "SAME")]
        guard let args = try? TFOp.conv2dTranspose.bind(positional: [], keywords: keywords),
              let plan = try? TFOps.plan(.conv2dTranspose, args) else { return nil }
        return ViewState(title: "tf.nn.conv2d_transpose(x, w, output_shape=[1,64,64,8], strides=2, padding=\"SAME\")",
                         plan: plan, input: x, filters: w)
    }

    static func time(_ name: String, iterations: Int, _ body: () -> Void) -> Timing {
        let clock = ContinuousClock()
        body()   // warm up caches and lazily built tables
        var samples = [Double]()
        samples.reserveCapacity(iterations)
        for _ in 0..<iterations {
            let start = clock.now
            body()
            let elapsed = clock.now - start
            let c = elapsed.components
            samples.append(Double(c.seconds) * 1000 + Double(c.attoseconds) / 1e15)
        }
        samples.sort()
        return Timing(name: name, iterations: iterations, medianMilliseconds: samples[samples.count / 2],
                      minimumMilliseconds: samples[0])
    }
}
