#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Holds a non-escaping job and its result while it runs on another thread.
private final class StackJob {
    let run: () -> Void
    init(_ run: @escaping () -> Void) { self.run = run }
}

/// Runs `body` on a fresh thread with a `stackSize`-byte stack and waits for it; nil when no such
/// thread can be made (e.g. under a tight address-space limit).
///
/// CBC's solver driver (`CbcMain0`/`CbcMain1`) keeps hundreds of kilobytes of parameters on the
/// stack, more than Swift concurrency's worker threads have; calling it there overflows.
func runWithLargeStack<T>(stackSize: Int = 64 << 20, _ body: () -> T) -> T? {
    var result: T?
    withoutActuallyEscaping({ result = body() }) { job in
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        defer { pthread_attr_destroy(&attributes) }
        pthread_attr_setstacksize(&attributes, stackSize)
        var thread = pthread_t()
        let box = Unmanaged.passRetained(StackJob(job))
        let created = pthread_create(&thread, &attributes, { raw in
            Unmanaged<StackJob>.fromOpaque(raw!).takeRetainedValue().run()
            return nil
        }, box.toOpaque())
        if created == 0 {
            pthread_join(thread, nil)
        } else {
            box.release()
        }
    }
    return result
}
