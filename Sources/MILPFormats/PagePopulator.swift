import Foundation
import Synchronization

/// Faults in the pages of memory ranges on a second thread, so that the thread that then fills
/// them (the MPS parser appending to arrays) or reads them (a mapped file) finds them present.
///
/// First touch of fresh memory costs a page fault and the zeroing of the page; in the virtual
/// machines we measure on, that was about a third of reading a large MPS file.
/// `madvise(MADV_POPULATE_WRITE / MADV_POPULATE_READ)` (Linux 5.14) does that work without touching
/// the contents, so it can run beside the thread that uses the memory. Ranges are populated 2 MB
/// at a time, taking them in turn, so that arrays filled together are populated together.
///
/// Only a hint: on kernels without these advices, after `stop()`, or for a range that has been
/// freed meanwhile, nothing happens (populating never changes what memory holds).
final class PagePopulator: Sendable {
    private let queue = DispatchQueue(label: "MILPFormats.PagePopulator")
    private let stopped = Atomic<Bool>(false)

    /// Populates the whole pages inside `ranges` in the background: for writing (anonymous memory
    /// about to be filled) or for reading (a mapped file).
    func populate(_ ranges: [(start: UnsafeRawPointer, bytes: Int)?], forWriting: Bool) {
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let pages: [(from: Int, to: Int)] = ranges.compactMap { range in
            guard let range else { return nil }
            let from = (Int(bitPattern: range.start) + page - 1) / page * page
            let to = (Int(bitPattern: range.start) + range.bytes) / page * page
            return to > from ? (from, to) : nil
        }
        guard !pages.isEmpty, !stopped.load(ordering: .relaxed) else { return }
        let advice = forWriting ? MADV_POPULATE_WRITE : MADV_POPULATE_READ
        queue.async { [self] in
            let chunk = 2 << 20
            var next = pages.map(\.from)
            var working = true
            while working {
                working = false
                for k in pages.indices where next[k] < pages[k].to {
                    if stopped.load(ordering: .relaxed) { return }
                    let end = min((next[k] / chunk + 1) * chunk, pages[k].to)
                    if madvise(UnsafeMutableRawPointer(bitPattern: next[k]), end - next[k], advice) != 0 {
                        if errno == EINVAL { return stop() }  // not supported here
                        next[k] = pages[k].to                 // unmapped meanwhile: skip it
                        continue
                    }
                    next[k] = end
                    working = true
                }
            }
        }
    }

    /// Nothing more is populated (work already under way ends at its next 2 MB).
    func stop() { stopped.store(true, ordering: .relaxed) }
}

extension Array {
    /// The storage the next `appends` elements go to (at most the spare capacity), or nil when
    /// there is none. The address stays valid only while the array keeps its storage: for hints
    /// such as `PagePopulator`.
    func spareCapacity(for appends: Int) -> (start: UnsafeRawPointer, bytes: Int)? {
        let bytes = Swift.min(appends, capacity - count) * MemoryLayout<Element>.stride
        guard bytes > 0 else { return nil }
        return withUnsafeBufferPointer { buffer in
            buffer.baseAddress.map { (UnsafeRawPointer($0 + buffer.count), bytes) }
        }
    }
}
