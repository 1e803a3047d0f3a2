#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// The elements of a tensor: one immutable block of memory, written once when it is made.
///
/// Why not a Swift array: the engine needs to choose the memory a result goes into.
/// - Blocks are 64-byte aligned (a cache line), and blocks of `BlockPool.keptFrom` bytes (8 MiB) and
///   up are 2 MiB aligned and backed by transparent huge pages where the system allows that on request.
/// - The last large block freed is kept (`BlockPool`) and handed to the next request of exactly its
///   size. A float64 FCN upsampling writes a 44 MiB result. glibc maps a fresh block above 32 MiB
///   for every call and unmaps it on free, so each call also paid for the kernel clearing 44 MiB of
///   new pages: a third of its CPU time at 2 threads.
///
/// Value semantics come from immutability: nothing writes a buffer after `make` returns it.
public final class TensorBuffer<Element: BitwiseCopyable & Equatable>: @unchecked Sendable {
    public let count: Int
    let base: UnsafeMutablePointer<Element>

    /// An uninitialised buffer; `make` is the only caller, and fills it before anyone reads it.
    private init(uninitializedCount count: Int) {
        precondition(count >= 0, "negative element count")
        self.count = count
        base = BlockPool.shared.allocate(bytes: count * MemoryLayout<Element>.stride)
            .bindMemory(to: Element.self, capacity: count)
    }

    deinit { BlockPool.shared.release(UnsafeMutableRawPointer(base), bytes: count * MemoryLayout<Element>.stride) }

    /// A buffer of `count` elements that `body` initialises, every one of them: it receives the
    /// memory uninitialised (possibly a reused block with earlier values). If `body` throws, the
    /// memory goes back to the pool.
    public static func make<E: Error>(count: Int,
                                      _ body: (UnsafeMutableBufferPointer<Element>) throws(E) -> Void) throws(E) -> TensorBuffer {
        let buffer = TensorBuffer(uninitializedCount: count)
        try body(UnsafeMutableBufferPointer(start: buffer.base, count: count))
        return buffer
    }

    /// A copy of `elements`.
    public convenience init(_ elements: [Element]) {
        self.init(uninitializedCount: elements.count)
        elements.withUnsafeBufferPointer { source in
            if let from = source.baseAddress { base.initialize(from: from, count: count) }
        }
    }

    /// `count` copies of `value`.
    public convenience init(repeating value: Element, count: Int) {
        self.init(uninitializedCount: count)
        base.initialize(repeating: value, count: count)
    }

    /// The elements as an array (a copy).
    public var array: [Element] { Array(UnsafeBufferPointer(start: base, count: count)) }

    public func withUnsafeBufferPointer<R, E: Error>(_ body: (UnsafeBufferPointer<Element>) throws(E) -> R) throws(E) -> R {
        defer { withExtendedLifetime(self) {} }
        return try body(UnsafeBufferPointer(start: base, count: count))
    }
}

extension TensorBuffer: RandomAccessCollection {
    public var startIndex: Int { 0 }
    public var endIndex: Int { count }

    public subscript(position: Int) -> Element {
        precondition(position >= 0 && position < count, "tensor element index out of range")
        return base[position]
    }
}

extension TensorBuffer: Equatable {
    /// Element by element, as arrays compare (so a NaN makes two different buffers unequal).
    public static func == (a: TensorBuffer, b: TensorBuffer) -> Bool {
        if a === b { return true }
        guard a.count == b.count else { return false }
        for i in 0..<a.count where a.base[i] != b.base[i] { return false }
        return true
    }
}

/// Where tensor buffers come from and go to. Small blocks come from the C allocator, 64-byte
/// aligned (`AlignedMemory`). Blocks of `keptFrom` bytes and up are mappings of their own, 2 MiB aligned and advised
/// to use huge pages (one page fault per 2 MiB instead of one per 4 KiB), unmapped when freed: kept
/// out of the C allocator's heap, where a huge-page advice would outlive the block and freed
/// memory is not returned. The last such block freed is kept (a pool of one): the next buffer of
/// exactly its size reuses it, and a request of any other size unmaps it first, so what the pool
/// keeps never adds to the memory a new buffer needs. Repeating one computation, as the benchmark
/// does and as a user stepping through a lesson does, then writes into memory already mapped.
final class BlockPool: Sendable {
    /// The pool tensor buffers use.
    static let shared = BlockPool(keptFrom: 8 << 20)

    /// Blocks from this size on are mappings of their own, and kept when freed (`shared`: 8 MiB,
    /// as large as the float64 conv3d results; at 4 MiB the benchmark suite's peak was 10-20 MiB
    /// higher, as smaller tensors no longer reused the memory glibc's heap had freed).
    let keptFrom: Int
    static let hugePage = 2 << 20

    init(keptFrom: Int) { self.keptFrom = keptFrom }

    /// A block's address and size in bytes (0 and 0: none).
    private struct Block: Sendable {
        var address = 0, bytes = 0
    }

    /// The kept block.
    private let kept = Mutex(Block())

    func allocate(bytes: Int) -> UnsafeMutableRawPointer {
        let size = max(bytes, 1)
        let held = exchangeKept(Block())
        if held.bytes == size, let block = UnsafeMutableRawPointer(bitPattern: held.address) { return block }
        Self.unmap(held)
        if size >= keptFrom { return Self.map(bytes: size) }
        return AlignedMemory.allocate(bytes: size)
    }

    func release(_ block: UnsafeMutableRawPointer, bytes: Int) {
        let size = max(bytes, 1)
        guard size >= keptFrom else { return AlignedMemory.free(block) }
        Self.unmap(exchangeKept(Block(address: Int(bitPattern: block), bytes: size)))
    }

    /// Unmaps the kept block, if any.
    func drain() {
        Self.unmap(exchangeKept(Block()))
    }

    /// Puts `block` in the pool and returns what it held.
    private func exchangeKept(_ block: Block) -> Block {
        kept.withLock { held -> Block in
            defer { held = block }
            return held
        }
    }

    /// Size of the kept block in bytes (0 when none); for tests.
    var keptBytes: Int { kept.withLock { $0.bytes } }

    /// A fresh mapping of `bytes` (rounded up to whole pages), 2 MiB aligned.
    private static func map(bytes: Int) -> UnsafeMutableRawPointer {
        let length = roundedLength(bytes)
        // Map 2 MiB more than needed and cut the unaligned ends off.
        let raw: UnsafeMutableRawPointer? = mmap(nil, length + hugePage, PROT_READ | PROT_WRITE,
                                                 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
        let start = Int(bitPattern: raw)
        guard let raw, start != -1 else { fatalError("tconv: out of memory mapping \(bytes) bytes for a tensor") }
        let aligned = (start + hugePage - 1) / hugePage * hugePage
        if aligned > start { munmap(raw, aligned - start) }
        let tail = start + length + hugePage - (aligned + length)
        if tail > 0, let end = UnsafeMutableRawPointer(bitPattern: aligned + length) { munmap(end, tail) }
        let block = UnsafeMutableRawPointer(bitPattern: aligned)!
        #if os(Linux)
        _ = madvise(block, length, MADV_HUGEPAGE)
        #endif
        return block
    }

    private static func unmap(_ block: Block) {
        guard let pointer = UnsafeMutableRawPointer(bitPattern: block.address) else { return }
        munmap(pointer, roundedLength(block.bytes))
    }

    private static func roundedLength(_ bytes: Int) -> Int { (bytes + 4095) / 4096 * 4096 }
}

/// 64-byte aligned memory from plain `malloc`: the block malloc returned is found again through
/// its address, stored just before the aligned start. The fast kernels' scratch and the smaller
/// tensors come from here. posix_memalign (Swift's `allocate(alignment: 64)`) takes a larger block
/// and splits it; its freed blocks did not fit the next call's request of the same size, and a
/// float64 atrous benchmark case grew the heap by 8 MiB on several of its first calls (RSS 85-92
/// MiB for 9 MiB of tensors and 13 MiB of workspace).
enum AlignedMemory {
    static func allocate(bytes: Int) -> UnsafeMutableRawPointer {
        guard let raw = malloc(max(bytes, 1) + 64 + MemoryLayout<Int>.size) else {
            fatalError("tconv: out of memory allocating \(bytes) bytes")
        }
        let aligned = (Int(bitPattern: raw) + MemoryLayout<Int>.size + 63) / 64 * 64
        let block = UnsafeMutableRawPointer(bitPattern: aligned)!
        (block - MemoryLayout<Int>.size).storeBytes(of: Int(bitPattern: raw), as: Int.self)
        return block
    }

    static func allocate<T>(_: T.Type, count: Int) -> UnsafeMutablePointer<T> {
        allocate(bytes: count * MemoryLayout<T>.stride).bindMemory(to: T.self, capacity: max(count, 1))
    }

    static func free(_ block: UnsafeMutableRawPointer) {
        let raw = (block - MemoryLayout<Int>.size).load(as: Int.self)
        Glibc.free(UnsafeMutableRawPointer(bitPattern: raw))
    }

    static func free<T>(_ block: UnsafeMutablePointer<T>) { free(UnsafeMutableRawPointer(block)) }
}
