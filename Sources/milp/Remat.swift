import ArgumentParser
import Foundation
import MILPRemat

struct Remat: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remat",
        abstract: "Memory-budgeted training schedules (tensor rematerialization) as MILPs."
    )

    func run() throws {
        printError("milp remat: under construction (issue 6)")
        throw ExitStatus.error.exitCode
    }
}
