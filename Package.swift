// swift-tools-version:6.0
// tconv: TensorFlow's transposed convolutions, computed exactly, explained in a terminal.
import PackageDescription

// The engine's fast kernels are written with SIMD types; compiled for the machine that builds
// them, those become AVX-512/AVX2 fused multiply-adds instead of baseline SSE.
let engineSettings: [SwiftSetting] = [
    .unsafeFlags(["-target-cpu", "native"]),
]

let package = Package(
    name: "tconv",
    products: [
        .executable(name: "tconv", targets: ["tconv"]),
        .library(name: "TConvEngine", targets: ["TConvEngine"]),
    ],
    targets: [
        // Tensors, the TF ops, shape solver, kernels, scatter traces. Standard library only.
        .target(name: "TConvEngine", exclude: ["README.md"], swiftSettings: engineSettings),
        // The REPL language: lexer, parser, evaluator, builtins, printing, .npy and session files.
        .target(name: "TConvScript", dependencies: ["TConvEngine"], exclude: ["README.md"]),
        // Curses-free drawing into a cell grid: heatmaps, colour maps, step frames.
        .target(name: "TConvView", dependencies: ["TConvEngine"]),
        // Conformance (golden files) and benchmark runners.
        .target(name: "TConvCheck", dependencies: ["TConvEngine"]),
        // The only C: ncursesw + readline + signal handling.
        .target(
            name: "CTerm",
            cSettings: [.define("NCURSES_WIDECHAR", to: "1"), .define("_GNU_SOURCE")],
            linkerSettings: [
                .linkedLibrary("ncursesw"), .linkedLibrary("tinfo"), .linkedLibrary("readline"),
            ]
        ),
        // The curses front end and the plain front end.
        .target(name: "TConvTerminal", dependencies: ["CTerm", "TConvScript", "TConvView", "TConvCheck"]),
        .executableTarget(name: "tconv", dependencies: ["TConvTerminal", "TConvScript", "TConvCheck", "TConvEngine"]),

        .testTarget(name: "TConvEngineTests", dependencies: ["TConvEngine"], swiftSettings: engineSettings),
        .testTarget(name: "TConvCheckTests", dependencies: ["TConvCheck", "TConvEngine"]),
        .testTarget(name: "TConvScriptTests", dependencies: ["TConvScript", "TConvEngine", "TConvCheck"], exclude: ["Scripts"]),
        .testTarget(name: "TConvViewTests", dependencies: ["TConvView", "TConvEngine"], exclude: ["Snapshots", "tools"]),
        .testTarget(name: "TConvTerminalTests", dependencies: ["TConvTerminal"]),
    ],
    swiftLanguageModes: [.v6]
)
