import ArgumentParser
import Foundation
import MILPKit
import MILPSynth

struct Synth: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "synth",
        abstract: "Natural-language problems to MILPs: formulation specs, algebraic models, an LLM client.",
        discussion: SynthSolve.configuration.discussion,
        subcommands: [SynthSolve.self, SynthEval.self],
        defaultSubcommand: SynthSolve.self
    )
}

struct SynthSolve: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "solve",
        abstract: "Formulate (LLM), compile and solve a problem; explain the answer (the default subcommand).",
        discussion: """
        Give exactly one source:
          PROBLEM.txt       a word problem; an LLM formulates it in three phases
                            (variables, sentence classes, template instances);
                            invalid replies go back with the errors
          --spec FILE       a formulation spec, JSON (schema: docs/synth.md)
          --algebraic FILE  a model as text, one statement per line:
                              maximize 5 trucks + 10*planes
                              12 trucks + 20 planes <= 890
                              buses <= 20% (cars + vans + buses)
                              trucks <= M * bi_trucks   # M: derived big-M
        The model is compiled, solved and explained in the problem's names.

        Integrality: a declared kind is kept; indicators (bi_ names, logic classes) are binary; all other variables follow --vars (default: integer).

        LLM server: any OpenAI-compatible chat-completions API (llama.cpp, vLLM, OpenAI). --endpoint or $MILP_LLM_ENDPOINT, --model or $MILP_LLM_MODEL; the key from $MILP_LLM_API_KEY or $OPENAI_API_KEY (or --api-key). The key is never printed.

        Examples:
          milp synth --algebraic model.txt --show-model
          milp synth --spec spec.json --vars continuous --json
          milp synth problem.txt --endpoint http://127.0.0.1:8080/v1 \\
              --model qwen2.5-7b-instruct --write-spec spec.json
          milp synth problem.txt --endpoint https://api.openai.com/v1 \\
              --model gpt-4o-mini          # key from $OPENAI_API_KEY
          milp synth eval --nl4opt test.jsonl --answers answers.jsonl
        Every option: milp synth solve --help

        Exit codes:
        \(ExitStatus.table)
        """
    )

    @Argument(help: "A word problem (text file) for the LLM pipeline.") var problem: String?
    @Option(help: "A formulation spec (JSON) to compile and solve.") var spec: String?
    @Option(help: "An algebraic model (text) to compile and solve.") var algebraic: String?
    @Option(help: "integer or continuous: the domain of variables without a declared kind.") var vars: String = "integer"
    @Option(help: "The big-M used where none can be derived from the variables' bounds (an unbounded variable, a continuous factor); each use is reported as a warning naming its row.")
    var bigM: Double = TemplateCompiler.standardBigM
    @OptionGroup var mipSolver: MIPSolverOption
    @Option(help: "Wall-clock time limit of the solve, in seconds.") var timeLimit: Double?
    @Option(help: "Write the compiled model (.mps, .mps.gz, .lp).") var writeModel: String?
    @Option(help: "Write the formulation spec (JSON).") var writeSpec: String?
    @Flag(help: "Print the compiled model as algebraic text.") var showModel = false
    @Flag(help: "Print one JSON object on stdout (status, objective, values, rows, model, spec).") var json = false

    @Option(help: "Chat-completions base URL, e.g. http://127.0.0.1:8080/v1 (default: $MILP_LLM_ENDPOINT).") var endpoint: String?
    @Option(help: "Model name (default: $MILP_LLM_MODEL).") var model: String?
    @Option(help: "API key (prefer $MILP_LLM_API_KEY or $OPENAI_API_KEY: arguments are visible to other users).") var apiKey: String?
    @Option(help: "Replies per phase before giving up.") var attempts: Int = 3
    @Option(help: "What the LLM is asked for: spec (three phases: variables, sentence classes, a JSON formulation) or algebraic (the model as text in one conversation, read as --algebraic reads files; the reader's errors go back).")
    var replyFormat: String = "spec"
    @Option(help: "Seconds to wait for one LLM reply.") var timeout: Double = 120
    @Flag(help: "Do not send response_format json_object (for servers that reject it).") var noJsonMode = false
    @Flag(help: "Ask for streamed replies (server-sent events); --timeout then bounds the wait for each next part of a reply.") var stream = false
    @Option(help: "Retries of a request after a transient failure (HTTP 408, 429, 5xx, a timeout, a refused connection), with exponential backoff or the server's Retry-After.") var retries: Int = 2
    @Flag(name: .shortAndLong, help: "Print the pipeline's progress on stderr.") var verbose = false

    func validate() throws {
        let sources = [problem, spec, algebraic].compactMap { $0 }
        if sources.count != 1 { throw ValidationError("give exactly one of PROBLEM.txt, --spec FILE or --algebraic FILE") }
        if VariableReading(rawValue: vars) == nil { throw ValidationError("--vars must be integer or continuous") }
        if attempts < 1 { throw ValidationError("--attempts must be at least 1") }
        if retries < 0 { throw ValidationError("--retries must be ≥ 0") }
        if !["spec", "algebraic"].contains(replyFormat) { throw ValidationError("--reply-format must be spec or algebraic") }
        if let timeLimit, !(timeLimit >= 0) { throw ValidationError("--time-limit must be ≥ 0") }
        if !(timeout > 0) { throw ValidationError("--timeout must be > 0") }
        if !(bigM.isFinite && bigM > 0) { throw ValidationError("--big-m must be a finite number > 0") }
    }

    func run() throws {
        let reading = VariableReading(rawValue: vars)!
        let compiler = TemplateCompiler(reading: reading, defaultBigM: bigM)
        let compiled: CompiledFormulation
        var source = ""
        var replies: [(phase: String, count: Int)] = []
        do {
            if let path = spec {
                source = path
                compiled = try compiler.compile(try FormulationSpec(json: try readInput(path)))
            } else if let path = algebraic {
                source = path
                let text = String(decoding: try readInput(path), as: UTF8.self)
                compiled = try compiler.compile(try AlgebraicReader().read(text, name: path))
            } else {
                source = problem!
                let environment = ProcessInfo.processInfo.environment
                guard let url = endpoint ?? environment["MILP_LLM_ENDPOINT"], let name = model ?? environment["MILP_LLM_MODEL"] else {
                    throw ValidationError("the LLM pipeline needs --endpoint and --model (or MILP_LLM_ENDPOINT and MILP_LLM_MODEL)")
                }
                var configuration = LLMConfiguration(endpoint: url, model: name, apiKey: apiKey ?? LLMConfiguration.apiKey(from: environment))
                configuration.readTimeout = timeout
                configuration.jsonMode = !noJsonMode
                configuration.stream = stream
                configuration.retries = retries
                var log: (@Sendable (String) -> Void)?
                if verbose { log = { message in printError("milp synth: " + message) } }
                let pipeline = SynthesisPipeline(client: LLMClient(configuration), attempts: attempts, compiler: compiler, log: log)
                let text = String(decoding: try readInput(problem!), as: UTF8.self)
                do {
                    let synthesis = replyFormat == "algebraic" ? try pipeline.runAlgebraic(problem: text) : try pipeline.run(problem: text)
                    compiled = synthesis.compiled
                    replies = synthesis.replies
                } catch {
                    printError("milp synth: \(error)")
                    throw ExitStatus.error.exitCode
                }
            }
        } catch let error as SpecError {
            printError("milp synth: \(source):\n" + error.problems.map { "  " + $0 }.joined(separator: "\n"))
            throw ExitStatus.badInput.exitCode
        } catch let error as InputError {
            printError("milp synth: \(error.message)")
            throw ExitStatus.badInput.exitCode
        }

        for warning in compiled.warnings { printError("milp synth: warning: \(warning)") }
        if let writeSpec {
            try compiled.spec.jsonData().write(to: URL(fileURLWithPath: writeSpec))
        }
        if let writeModel {
            do { try ModelFile.write(compiled.model, to: writeModel) } catch {
                printError("milp synth: \(writeModel): \(error)")
                throw ExitStatus.error.exitCode
            }
        }
        let chosen = mipSolver.chosen
        let chatter = SolverChatterToStderr()
        let result: SolveResult
        do { result = try chosen.solve(compiled.model, options: SolveOptions(timeLimit: timeLimit)) } catch {
            chatter.restore()
            printError("milp synth: \(error)")
            throw ExitStatus.badInput.exitCode
        }
        chatter.restore()

        if json {
            print(jsonReport(compiled, result, source: source, reading: reading, replies: replies))
        } else {
            print(humanReport(compiled, result, source: source))
        }
        let exit = ExitStatus(result)
        if exit != .optimal { throw exit.exitCode }
    }

    private func humanReport(_ c: CompiledFormulation, _ r: SolveResult, source: String) -> String {
        let m = c.model
        var lines: [String] = []
        if showModel { lines.append(c.rendering) }
        lines.append("source:    \(source) (\(m.variableCount) variables, \(m.integerCount) integer or binary; \(m.constraintCount) rows)")
        lines.append("status:    \(r.termination.rawValue)\(r.limit.map { " (\($0.rawValue) limit)" } ?? "")")
        guard let values = r.values, let objective = r.objective else { return lines.joined(separator: "\n") }
        let sentence = c.spec.objective.sentence.map { "  (\($0))" } ?? ""
        lines.append("objective: \(c.spec.objective.sense.rawValue) \(formatNumber(objective))\(sentence)")
        lines.append("values:")
        let descriptions = Dictionary(c.spec.variables.map { ($0.name, $0.description ?? $0.unit ?? "") }, uniquingKeysWith: { a, _ in a })
        let width = c.names.map(\.count).max() ?? 0
        for (name, value) in c.namedValues(values) {
            let note = descriptions[name].map { $0.isEmpty ? "" : "  \($0)" } ?? ""
            lines.append("  \(name.padding(toLength: width, withPad: " ", startingAt: 0)) = \(formatNumber(value))\(note)")
        }
        lines.append("constraints:")
        for row in c.rowReports(at: values) {
            let bound = row.upper.isFinite ? (row.lower == row.upper ? "= \(formatNumber(row.upper))" : "<= \(formatNumber(row.upper))") : ">= \(formatNumber(row.lower))"
            let state = row.isBinding ? "binding" : "slack \(formatNumber(row.slack))"
            lines.append("  \(row.name) [\(row.classLabel)]: \(formatNumber(row.activity)) \(bound)  \(state)\(row.sentence.map { "  \"\($0)\"" } ?? "")")
        }
        return lines.joined(separator: "\n")
    }

    private func jsonReport(_ c: CompiledFormulation, _ r: SolveResult, source: String, reading: VariableReading, replies: [(phase: String, count: Int)]) -> String {
        var object: [String: Any] = [
            "source": source, "status": r.termination.rawValue, "limit": r.limit?.rawValue ?? NSNull(),
            "objective": jsonNumber(r.objective), "sense": c.spec.objective.sense.rawValue, "reading": reading.rawValue,
            "solver": r.solverName, "seconds": r.seconds, "columns": c.model.variableCount, "rows": c.model.constraintCount,
            "model": c.rendering, "spec": c.spec.jsonObject, "warnings": c.warnings,
            "big_m": c.bigM.map { ["row": $0.row, "value": $0.value, "derived": $0.derived, "explanation": $0.explanation] as [String: Any] },
        ]
        if let values = r.values {
            object["values"] = Dictionary(c.namedValues(values).map { ($0.name, $0.value) }, uniquingKeysWith: { a, _ in a })
            object["constraints"] = c.rowReports(at: values).map { row -> [String: Any] in
                ["name": row.name, "class": row.classLabel, "sentence": row.sentence ?? NSNull(), "activity": row.activity,
                 "lower": jsonNumber(row.lower), "upper": jsonNumber(row.upper), "binding": row.isBinding]
            }
        } else {
            object["values"] = NSNull()
        }
        if !replies.isEmpty { object["llm_replies"] = Dictionary(replies.map { ($0.phase, $0.count) }, uniquingKeysWith: +) }
        return jsonText(object)
    }
}

/// An input file that cannot be read.
private struct InputError: Error {
    let message: String
}

private func readInput(_ path: String) throws -> Data {
    do { return try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
        throw InputError(message: "\(path): cannot read: \(error.localizedDescription)")
    }
}

struct SynthEval: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Evaluate the readers on a corpus: NL4Opt gold declarations against published optima, or a folder of algebraic models against their answers.",
        discussion: """
        NL4Opt (--nl4opt FILE): each problem is compiled in both readings (all variables integer; all continuous) and solved. A reading reproduces a published optimum when its optimum, rounded to the decimals the published value has, is within a relative 1e-6 of it. The rule: integer first; continuous when only the continuous optimum reproduces the published value. The summary also counts rules that never look at the answer (integer alone; integer, or continuous when the integer model is infeasible) and the problems whose independent cross-check (the `crosscheck` field) agrees with the published value.

        Algebraic models (--algebraic-dir DIR): every .txt or .md file of DIR is read as `milp synth --algebraic` reads it (in the --vars reading, with --big-m), compiled and solved, and compared with the line of --answers whose id is the file's name without extension: {"id", "status": optimal|infeasible|unbounded|refused, "objective", "source", "reason"}. Each file is matched (status and objective within a relative 1e-6), mismatched, refused (the reader's reason is shown), refused as expected (the answer marks the file invalid), accepted though invalid, or unanswered.

        Examples:
          milp synth eval --nl4opt test.jsonl --answers answers.jsonl
          milp synth eval --nl4opt test.jsonl --answers answers.jsonl --json \\
              | jq '.problems[] | select(.matched | not)'
          milp synth eval --algebraic-dir corpus/models --answers corpus/answers.jsonl
        """
    )

    @Option(help: "The NL4Opt problems (test.jsonl).") var nl4opt: String?
    @Option(help: "A folder of algebraic models, one per .txt or .md file.") var algebraicDir: String?
    @Option(help: "The answers: published optima for --nl4opt (id, nl4opt_hash, optimum, crosscheck), or one record per model file for --algebraic-dir (id, status, objective).") var answers: String
    @Option(help: "integer or continuous: the domain of undeclared variables in algebraic models.") var vars: String = "integer"
    @Option(help: "The big-M used where none can be derived from the variables' bounds (algebraic models).") var bigM: Double = TemplateCompiler.standardBigM
    @OptionGroup var mipSolver: MIPSolverOption
    @Flag(help: "Print one JSON object: the summary counts and a per-problem list.") var json = false

    func validate() throws {
        if (nl4opt == nil) == (algebraicDir == nil) { throw ValidationError("give exactly one of --nl4opt FILE or --algebraic-dir DIR") }
        if VariableReading(rawValue: vars) == nil { throw ValidationError("--vars must be integer or continuous") }
        if !(bigM.isFinite && bigM > 0) { throw ValidationError("--big-m must be a finite number > 0") }
    }

    func run() throws {
        if let algebraicDir { return try evaluateAlgebraic(algebraicDir) }
        let problems: [NL4OptProblem]
        let published: [PublishedAnswer]
        do {
            problems = try NL4OptReader.read(path: nl4opt!)
            published = try PublishedAnswer.read(path: answers)
        } catch {
            printError("milp synth eval: \(error)")
            throw ExitStatus.badInput.exitCode
        }
        let chatter = SolverChatterToStderr()
        let (report, seconds) = timed { NL4OptEvaluation(problems: problems, answers: published, solver: mipSolver.chosen) }
        chatter.restore()
        let trusted = report.trusted
        if json {
            print(jsonText([
                "matched": report.matched, "total": report.total, "trusted_matched": trusted.matched, "trusted_total": trusted.total,
                "integer_only_matched": report.integerOnly, "integer_or_continuous_if_infeasible_matched": report.integerWithFallback,
                "seconds": seconds, "solver": mipSolver.chosen.name,
                "rule": "integer first; continuous when only the continuous optimum reproduces the published value",
                "problems": report.outcomes.map { o -> [String: Any] in
                    [
                        "id": o.id, "hash": o.hash, "published": jsonNumber(o.published), "crosscheck": o.crosscheck ?? NSNull(),
                        "continuous": ["status": o.continuous.status, "objective": jsonNumber(o.continuous.objective)],
                        "integer": ["status": o.integer.status, "objective": jsonNumber(o.integer.objective)],
                        "reading": o.reading?.rawValue ?? NSNull(), "matched": o.matched, "reason": o.reason,
                    ]
                },
            ]))
            return
        }
        let byReading = Dictionary(grouping: report.outcomes.compactMap(\.reading), by: \.self).mapValues(\.count)
        print("""
        matched \(report.matched)/\(report.total) published optima (integer reading \(byReading[.integer] ?? 0), continuous \(byReading[.continuous] ?? 0)) in \(String(format: "%.2f", seconds)) s
        cross-checked subset (crosscheck match_*): \(trusted.matched)/\(trusted.total)
        integer reading alone: \(report.integerOnly); integer, continuous if infeasible: \(report.integerWithFallback)
        """)
        let misses = report.outcomes.filter { !$0.matched }
        if !misses.isEmpty {
            print("\nnot reproduced (\(misses.count)):")
            print(formatTable(["id", "crosscheck", "reason"], misses.map { [$0.id, $0.crosscheck ?? "-", $0.reason] }))
        }
    }

    private func evaluateAlgebraic(_ directory: String) throws {
        let files: [String]
        let expected: [AlgebraicAnswer]
        do {
            files = try AlgebraicEvaluation.modelFiles(in: directory)
            expected = try AlgebraicAnswer.read(path: answers)
        } catch {
            printError("milp synth eval: \(error)")
            throw ExitStatus.badInput.exitCode
        }
        let compiler = TemplateCompiler(reading: VariableReading(rawValue: vars)!, defaultBigM: bigM)
        let chatter = SolverChatterToStderr()
        let (report, seconds) = timed { AlgebraicEvaluation(files: files, answers: expected, compiler: compiler, solver: mipSolver.chosen) }
        chatter.restore()
        let counts = Dictionary(uniqueKeysWithValues: AlgebraicEvaluation.Verdict.allCases.map { ($0.rawValue, report.count($0)) })
        if json {
            print(jsonText([
                "counts": counts, "total": report.outcomes.count, "seconds": seconds, "solver": mipSolver.chosen.name, "reading": vars,
                "models": report.outcomes.map { o -> [String: Any] in
                    ["id": o.id, "verdict": o.verdict.rawValue, "status": o.status, "objective": jsonNumber(o.objective),
                     "expected_status": o.answer?.status ?? NSNull(), "expected_objective": jsonNumber(o.answer?.objective),
                     "source": o.answer?.source ?? NSNull(), "reason": o.reason, "big_m": o.bigM, "warnings": o.warnings]
                },
            ]))
            return
        }
        let invalid = report.count(.refusedAsExpected) + report.count(.acceptedInvalid)
        print("""
        \(report.outcomes.count) models in \(String(format: "%.2f", seconds)) s: matched \(report.count(.matched)) of \(report.outcomes.count - invalid - report.count(.unanswered)) valid, mismatched \(report.count(.mismatched)), refused \(report.count(.refused))
        invalid models: refused as expected \(report.count(.refusedAsExpected)) of \(invalid), accepted \(report.count(.acceptedInvalid)); unanswered \(report.count(.unanswered))
        big-M: \(report.outcomes.map(\.bigM.count).reduce(0, +)) values, \(report.outcomes.map(\.warnings.count).reduce(0, +)) not derivable from bounds (--big-m used)
        """)
        let notable = report.outcomes.filter { $0.verdict != .matched }
        if !notable.isEmpty {
            print("")
            print(formatTable(["model", "verdict", "reason"], notable.map { [$0.id, $0.verdict.rawValue, String($0.reason.prefix(160))] }))
        }
    }
}
