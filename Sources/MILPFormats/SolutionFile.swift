import MILP

/// MIPLIB `.sol` files: an optional `=obj= value` line, then `name value` per variable.
///
/// Reading is permissive: blank lines, `#` comments (from a `#` at the start of a line or after
/// the name; a `#` inside a name is part of it), CRLF line ends, SCIP's `objective value:` header and a
/// trailing `(obj:…)` field are accepted; variables not listed are 0. `=infeas=` marks a file
/// that claims infeasibility. Writing lists every nonzero value.
public enum SolutionFile {
    /// A solution read from a file.
    public struct Contents: Sendable {
        /// One value per model variable (0 for those not listed).
        public var values: [Double]
        /// The objective the file states, if any.
        public var statedObjective: Double?
        /// True when the file says `=infeas=`.
        public var claimsInfeasible: Bool
    }

    /// The `.sol` text for `values` (one per variable of `model`).
    public static func text(for model: Model, values: [Double], objective: Double? = nil) -> String {
        var out = TextBuffer(capacity: 64 + values.count * 16)
        out.append("=obj= ")
        out.append(number: objective ?? model.objectiveValue(of: values))
        out.append(byte: 10)
        for (j, v) in values.enumerated() where v != 0 {
            out.append(model.name(of: model.variable(at: j)))
            out.append(byte: 32)
            out.append(number: v)
            out.append(byte: 10)
        }
        return String(decoding: out.bytes, as: UTF8.self)
    }

    /// Writes a `.sol` file (gzip when the path ends in `.gz`).
    public static func write(_ model: Model, values: [Double], objective: Double? = nil, to path: String) throws {
        try writeFile(Array(text(for: model, values: values, objective: objective).utf8), to: path)
    }

    /// Reads a `.sol` file for `model`; unknown variable names and bad numbers are errors.
    public static func read(path: String, for model: Model) throws -> Contents {
        var bytes = try readFileBytes(path)
        if Gzip.isCompressed(bytes) { bytes = try Gzip.decompress(bytes, name: path) }
        return try parse(String(decoding: bytes, as: UTF8.self), for: model, name: path)
    }

    /// Parses `.sol` text for `model`.
    public static func parse(_ text: String, for model: Model, name: String = "<solution>") throws -> Contents {
        var index: [String: Int] = [:]
        index.reserveCapacity(model.variableCount)
        for j in 0..<model.variableCount { index[model.name(of: model.variable(at: j))] = j }
        var contents = Contents(values: Array(repeating: 0, count: model.variableCount), statedObjective: nil, claimsInfeasible: false)
        var lineNumber = 0
        // "\r\n" is one Character in Swift: splitting at "\n" alone would leave CRLF files one line.
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            lineNumber += 1
            let line = withoutComment(rawLine)
            let fields = line.split(whereSeparator: isBlank)
            guard let head = fields.first else { continue }
            if head == "=infeas=" { contents.claimsInfeasible = true; continue }
            if head == "=obj=" || (head.lowercased() == "objective" && fields.count >= 3) {
                guard let value = fields.last.flatMap({ Double($0) }) else {
                    throw ParseError(file: name, line: lineNumber, message: "expected a number after \(head)")
                }
                contents.statedObjective = value
                continue
            }
            // "solution status: optimal"; but "solution_rate 3" sets the model's variable solution_rate.
            if head.lowercased().hasPrefix("solution") && (index[String(head)] == nil || fields.count < 2 || Double(fields[1]) == nil) { continue }
            guard fields.count >= 2 else {
                throw ParseError(file: name, line: lineNumber, message: "expected \"name value\", found \"\(line.prefix(60))\"")
            }
            guard let j = index[String(head)] else {
                throw ParseError(file: name, line: lineNumber, message: "unknown variable \"\(head.prefix(60))\" (not in the model)")
            }
            guard let value = Double(fields[1]), value.isFinite else {
                throw ParseError(file: name, line: lineNumber, message: "expected a finite number for \(head.prefix(60)), found \"\(fields[1].prefix(40))\"")
            }
            contents.values[j] = value
        }
        return contents
    }

    private static func isBlank(_ c: Character) -> Bool { c == " " || c == "\t" || c == "\r" }

    /// The line without its comment: `#` starts one at the start of the line or after the first
    /// field; inside the first field it belongs to the name (`a#1`, a valid LP name). The `#` is
    /// looked for among Unicode scalars: followed by a combining mark it is part of a Character
    /// that is not `#`.
    private static func withoutComment(_ line: Substring) -> Substring {
        let body = line.drop(while: isBlank)
        if body.unicodeScalars.first == "#" { return body[body.startIndex..<body.startIndex] }
        let nameEnd = body.firstIndex(where: isBlank) ?? body.endIndex
        return body[..<(body[nameEnd...].unicodeScalars.firstIndex(of: "#") ?? body.endIndex)]
    }
}
