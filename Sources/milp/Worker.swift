import ArgumentParser
import Foundation
import MILPKit

/// The worker side of `WorkerPoolSolver`: serves solve requests arriving as frames on the socket
/// at descriptor 3 until the parent closes it.
struct Worker: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker", abstract: "Serve solves over the socket on descriptor 3 (used by milp solve --lns).",
        shouldDisplay: false)

    @Option var solver: String

    static let socket: Int32 = 3

    func run() throws {
        guard let inner = Solvers.named(solver) else { throw ValidationError("unknown solver \"\(solver)\"") }
        while let frame = try receiveFrame(on: Self.socket) {
            // An empty frame asks a running solve to stop; one that arrives after its solve ended is void.
            if frame.isEmpty { continue }
            let reply: [UInt8]
            do {
                var (model, options, wantsProgress) = try WorkerFrames.readRequest(frame)
                if wantsProgress {
                    // Sent from the solve's callbacks, which end before the reply is sent.
                    options.progress = { _ = sendFrame(WorkerFrames.progress($0, improved: false), on: Self.socket) }
                    options.onIncumbent = { _ = sendFrame(WorkerFrames.progress($0, improved: true), on: Self.socket) }
                }
                reply = Self.solve(model, options: options, with: inner)
            } catch {
                reply = WorkerFrames.failure("\(error)")
            }
            guard sendFrame(reply, on: Self.socket) else { return }
        }
    }

    /// Solves while a watcher reads the socket: a stop frame, or the parent's end of stream (it
    /// died), interrupts the solve.
    static func solve(_ model: Model, options: SolveOptions, with solver: any Solver) -> [UInt8] {
        var options = options
        let stop = InterruptFlag()
        options.interrupt = stop
        // The watcher also wakes when the solve ends (a byte on this pipe), so the reply waits for nothing.
        var wake: [Int32] = [0, 0]
        guard pipe(&wake) == 0 else { return WorkerFrames.failure("cannot create a pipe: \(String(cString: strerror(errno)))") }
        defer { close(wake[0]); close(wake[1]) }
        let watcherDone = DispatchSemaphore(value: 0)
        Thread { [wake] in
            var descriptors = [pollfd(fd: socket, events: Int16(POLLIN), revents: 0), pollfd(fd: wake[0], events: Int16(POLLIN), revents: 0)]
            while poll(&descriptors, 2, -1) < 0 && errno == EINTR {}
            if descriptors[1].revents == 0 {
                // The parent's end of stream: it died or released the pool, and no one waits for a reply.
                guard (try? receiveFrame(on: socket)) != nil else { _exit(0) }
                stop.set()
            }
            watcherDone.signal()
        }.start()
        let reply: [UInt8]
        do {
            let result = try solver.solve(model, options: options)
            reply = WorkerFrames.reply(result, objectiveConstant: model.objectiveConstant)
        } catch {
            reply = WorkerFrames.failure("\(error)")
        }
        var byte: UInt8 = 1
        _ = write(wake[1], &byte, 1)
        watcherDone.wait()
        return reply
    }
}
