import Foundation

/// The prompts of the three-phase pipeline (Li, Zhang & Mak-Hau 2023): variables, sentence
/// classes, template instances. Each asks for one JSON object; the template catalogue and the
/// spec schema are embedded so the model needs no other context.
enum Prompts {
    static let system = """
    You are an operations-research modeler. You turn a word problem into a mixed-integer linear \
    program, one step at a time. Reply with exactly one JSON object and nothing else: no prose, no \
    code fences. Every decision variable is non-negative. Use only numbers stated in the problem.
    """

    static var catalogue: String {
        templateCatalogue.map { "  \($0.number): \($0.name): \($0.form)" }.joined(separator: "\n")
    }

    /// The JSON fields of each constraint class.
    static let schema = """
    Constraint objects (every one may also have "sentence": the source sentence, and "name"):
      class 1 / 5:  {"class": 1, "var": "x", "rhs": 10}                       x <= 10 / x >= 10
      class 2 / 6:  {"class": 2, "vars": ["x", "y"], "rhs": 10}               x + y <= 10 / >= 10
      class 3 / 7:  {"class": 3, "terms": {"x": 2, "y": 3.5}, "rhs": 10}      2x + 3.5y <= 10 / >= 10
      class 4 / 8:  {"class": 4, "var": "x", "fraction": 0.4, "of": ["x", "y"]}   x <= 0.4(x + y) / >=; "of" defaults to all variables
      class 9:      {"class": 9, "x": "x", "y": "y", "factor": 2}             2x <= y
      class 10:     {"class": 10, "if": "x", "then": "y"}                     if x is used then y is used
      class 11/12/13: {"class": 11, "vars": ["x", "y"]}                       exactly / at least / at most one of them is used
      other rows:   {"class": "linear", "terms": {"x": 1, "y": -2}, "operator": "<=", "rhs": 0}
    Logic classes (10-13) may add "big_m": a number, needed only when a variable they name has no upper bound.
    Percentages are fractions (40% -> 0.4). Numbers are JSON numbers, never strings.
    """

    static func numbered(_ sentences: [String]) -> String {
        sentences.enumerated().map { "  [\($0.offset + 1)] \($0.element)" }.joined(separator: "\n")
    }

    static func variables(_ problem: String) -> String {
        """
        Step 1 of 3: the decision variables.
        Problem:
        \(problem)

        List the quantities the decision maker chooses. Reply with:
        {"variables": [{"name": "trucks", "kind": "integer", "unit": "trucks", "description": "number of trucks used"}]}
        "name" is an identifier (letters, digits, _; no spaces; not "M"). "kind" is "integer" for \
        counts of indivisible things, "continuous" for divisible amounts (kg, hours, dollars), \
        "binary" for yes/no decisions.
        """
    }

    static func classify(_ sentences: [String], variables: String) -> String {
        """
        Step 2 of 3: classify each sentence.
        The problem, by sentence:
        \(numbered(sentences))

        Decision variables: \(variables)

        Template classes:
        \(catalogue)
        and "linear" for any other linear constraint.
        Say which sentence states the objective (class 0), and for each sentence that states a \
        constraint, its class. A sentence may state several constraints (list it once per \
        constraint); sentences that only give data are left out. Reply with:
        {"objective": 5, "constraints": [{"sentence": 2, "class": 3}, {"sentence": 4, "class": 9}]}
        """
    }

    static func instantiate(_ problem: String, variables: String, classified: [(sentence: String, label: String)], objective: String) -> String {
        let list = classified.map { "  class \($0.label): \($0.sentence)" }.joined(separator: "\n")
        return """
        Step 3 of 3: write the model.
        Problem:
        \(problem)

        Decision variables (use these names): \(variables)
        Objective sentence: \(objective)
        Constraint sentences with their classes:
        \(list)

        Template classes:
        \(catalogue)
        \(schema)

        Reply with the whole formulation:
        {"variables": [{"name": "x", "kind": "integer", "description": "..."}],
         "objective": {"sense": "maximize", "terms": {"x": 5, "y": 10}, "sentence": "..."},
         "constraints": [ ...one object per constraint, as above... ]}
        """
    }

    /// The one-conversation alternative: the model as algebraic text.
    static let algebraicSystem = """
    You are an operations-research modeler. You turn a word problem into a mixed-integer linear \
    program written as plain algebraic text. Every decision variable is non-negative. Use only \
    numbers stated in the problem.
    """

    static func algebraic(_ problem: String) -> String {
        """
        Problem:
        \(problem)

        Write the model, one statement per line:
          maximize 5 trucks + 10 planes          (or minimize; the objective first)
          12 trucks + 20 planes <= 890           (one constraint per line: <=, >= or =)
          integer trucks, planes                 (declare integer, binary, continuous variables)
          trucks <= M * use_trucks               (logic: a bare M, derived from the bounds)
        Use identifiers for variable names (letters, digits, _). Write every term out: no sums, no \
        indices, no functions such as abs, min or max, no products of variables.
        """
    }

    static func algebraicRetry(_ error: SpecError) -> String {
        """
        Your model has these problems:
        \(error.problems.map { "- " + $0 }.joined(separator: "\n"))
        Reply again with the whole corrected model.
        """
    }

    static func retry(_ error: SpecError) -> String {
        """
        Your reply has these problems:
        \(error.problems.map { "- " + $0 }.joined(separator: "\n"))
        Reply again with the corrected JSON object only.
        """
    }
}
