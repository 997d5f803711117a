import Foundation

/// Large arrays that a reader fills at once are backed by 2 MB pages where the kernel offers
/// transparent huge pages on request (`madvise` mode, Debian's default): one page fault per 2 MB
/// instead of one per 4 KB. Page faults took about a fifth of reading a 26 MB MPS file.
/// Only a hint: where the kernel declines, the arrays behave exactly as before.
extension Array {
    /// Smallest capacity, in bytes, worth advising (below one huge page nothing is gained).
    private static var hugePageBytes: Int { 2 << 20 }

    /// `reserveCapacity(count)`, with the new storage advised to use huge pages.
    mutating func reserveCapacityInHugePages(_ count: Int) {
        guard count > capacity else { return }
        reserveCapacity(count)
        adviseHugePages()
    }

    /// `count` copies of `value` in storage advised to use huge pages before it is written.
    init(hugePagesRepeating value: Element, count: Int) {
        self.init(unsafeUninitializedCapacity: count) { buffer, initialized in
            Self.advise(UnsafeMutableRawPointer(buffer.baseAddress), bytes: count * MemoryLayout<Element>.stride)
            buffer.initialize(repeating: value)
            initialized = count
        }
    }

    private func adviseHugePages() {
        let bytes = capacity * MemoryLayout<Element>.stride
        withUnsafeBufferPointer { Self.advise(UnsafeMutableRawPointer(mutating: $0.baseAddress), bytes: bytes) }
    }

    /// Advises the whole pages inside `[start, start + bytes)`.
    private static func advise(_ start: UnsafeMutableRawPointer?, bytes: Int) {
        guard let start, bytes >= hugePageBytes else { return }
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let from = (Int(bitPattern: start) + page - 1) / page * page
        let to = (Int(bitPattern: start) + bytes) / page * page
        guard to > from else { return }
        _ = madvise(UnsafeMutableRawPointer(bitPattern: from), to - from, MADV_HUGEPAGE)
    }
}
