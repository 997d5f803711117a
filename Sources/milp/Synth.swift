import ArgumentParser
import Foundation
import MILPSynth

struct Synth: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "synth",
        abstract: "Natural-language problems to MILPs: formulation specs, algebraic models, an LLM client."
    )

    func run() throws {
        printError("milp synth: under construction (issue 8)")
        throw ExitStatus.error.exitCode
    }
}
