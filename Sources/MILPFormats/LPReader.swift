import MILP

/// Reads CPLEX LP files (the dialect `LPWriter` writes and CPLEX, Gurobi, CBC, HiGHS, SCIP and
/// GLPK `--lp` read), gzip-compressed or not (detected by content).
///
/// Sections, each introduced by a keyword that is the first word of a line (any case, leading
/// blanks allowed; a keyword followed by `:` is a name, not a keyword):
/// - `Minimize`/`Minimise`/`Minimum`/`Min`, `Maximize`/`Maximise`/`Maximum`/`Max`: the objective, an
///   optional name (`obj:`, dropped: a `Model` has no objective name) and a linear expression whose
///   constant terms add up to the objective constant. A file without one minimizes 0.
/// - `Subject To`/`Such That`/`st`/`s.t.`/`st.`: rows `[name:] expression relation constant`, with
///   relations `<`, `<=`, `=<`, `>`, `>=`, `=>`, `=` (`<` means ≤, `>` ≥). Constants in the
///   expression move to the right-hand side; the right-hand side is a single constant (a number,
///   `±inf`, `±infinity`). Also `constant relation expression` and ranged rows
///   `lower <= expression <= upper` / `upper >= expression >= lower` (HiGHS, SCIP, and our writer).
///   A row without variables (`c: = 0`, as HiGHS writes an empty row, or `c: 0 >= -1`) is kept as
///   an empty row; ``readWithNotes(path:)`` reports those whose bounds exclude 0.
///   Unnamed rows stay unnamed (`Model.name(of:)` then says `c<index>`).
/// - `Bounds`/`Bound`: `x >= l`, `x <= u`, `x = v`, `l <= x`, `u >= x`, `l <= x <= u`,
///   `u >= x >= l`, `x free`, with `±inf`/`±infinity` for infinite values; the last bound given wins.
///   Following CPLEX (and Gurobi), an upper bound below 0 on a variable whose lower bound is still
///   the default 0 leaves the lower bound at 0 (the model then has empty bounds, which `validate()`
///   reports); MPS's rule (lower bound becomes −inf) does not apply to LP files.
/// - `General`/`Generals`/`Gen`/`Integer`/`Integers`: integer variables.
/// - `Binary`/`Binaries`/`Bin`: binary variables; their bounds are the bounds given in `Bounds`
///   clamped to [0, 1] (no bounds: [0, 1]). When a variable is listed both as general and binary,
///   the later declaration wins.
/// - `Semi-continuous`/`Semicontinuous`/`Semis`/`Semi`: semi-continuous variables (their upper
///   bound comes from `Bounds`); listed also as general or binary (either order), semi-integer.
/// - `Semi-integer`/`Semi-integers`/`Semiinteger`/`Semiintegers`: semi-integer variables.
/// - `SOS`: `[name:] S1:: x:1 y:2 …` or `S2::`, members `variable:weight`, possibly over several
///   lines; members are sorted by weight as in MPS; set names are dropped. Named sets may also
///   stand among the rows of `Subject To` (as MathOptInterface writes them).
/// - `End`: required (a file without it is reported as truncated); anything after it is ignored.
///
/// Terms: `3 x`, `3x` (a name cannot start with a digit or a period, so a number followed by a
/// name is a coefficient, as in CPLEX's own examples), `x`, `- y`, `+ -2 z`, and expressions span
/// lines freely. Repeated variables in one row or in the objective are summed; zero
/// coefficients (explicit or after summing) are dropped. Names are runs of letters, digits and
/// the characters `!"#$%&()/,.;?@_'{}|~` and the backquote (and non-ASCII bytes) not starting with a digit or a period; tokens
/// must be separated by operators or blanks, and two names in a row are an error (CPLEX would
/// glue `x1 x2` into one name `x1x2`). `\` starts a comment to the end of the line; a first-line
/// comment `\ Problem name: NAME` (as CPLEX and `LPWriter` write) sets the model name. Numbers
/// with |value| ≥ 1e30 in bounds and right-hand sides are infinite, as in `MPSReader`.
///
/// Columns `LPWriter` adds so that CBC and GLPK read its files are folded back: a continuous
/// column `~constant` fixed at 1 and in no row becomes the objective constant (its objective
/// coefficient); a continuous column `~r_<row>` whose only entry is −1 in the row of that name,
/// with a zero objective coefficient, in a row `… = 0`, becomes that row's bounds. Anything else
/// named like that stays a column.
///
/// Column order is the order in which variables first appear in the file; in the usual section
/// order: the objective, the rows, `Bounds`, the `General`/`Binary`/`Semi-continuous` lists, `SOS`.
/// Variables that appear only in `Bounds`, the type sections or SOS sets are added with default
/// bounds [0, +inf). Row order is file order.
///
/// Files that start with HiGHS's comment `\ File written by HiGHS .lp file handler` keep the
/// column and row names HiGHS wrote as they were, also ones the format forbids because they start
/// with a digit or a period (netlib's `1`, `...100`): there, a number where a variable must be
/// (after a coefficient, in `Bounds` as `5 free`, `5 = 3`, `1 <= 5`, `0 <= 5 <= 3`, in the type sections)
/// and a number before a row's `:` are names.
///
/// Not supported, and rejected with a `ParseError` naming file and line: quadratic terms
/// (`x * y`, `x ^ 2`, `[ … ]`), variables on the right-hand side, indicator constraints, and the
/// `Lazy Constraints`, `User Cuts` and piecewise-linear sections (a word alone at the start of a
/// line where a term or bound cannot be is reported as an unknown section keyword).
public struct LPReader {
    /// Creates an LP reader (it has no options).
    public init() {}

    /// Reads a model from a file (gzip detected by content).
    public func read(path: String) throws -> Model { try readWithNotes(path: path).model }

    /// Parses LP text (plain or gzip) named `name` in error messages.
    public func parse(_ input: [UInt8], name: String = "<input>") throws -> Model {
        try parseWithNotes(input, name: name).model
    }

    /// ``read(path:)``, with the rows that make the model infeasible by themselves (``ReadNotes``).
    public func readWithNotes(path: String) throws -> (model: Model, notes: ReadNotes) {
        try parseWithNotes(try readFileBytes(path), name: path)
    }

    /// ``parse(_:name:)``, with the rows that make the model infeasible by themselves (``ReadNotes``).
    public func parseWithNotes(_ input: [UInt8], name: String = "<input>") throws -> (model: Model, notes: ReadNotes) {
        var bytes = input
        if Gzip.isCompressed(input) {
            do {
                bytes = try Gzip.decompress(input, name: name)
            } catch let error as FormatError {
                var message = error.description
                if message.hasPrefix("\(name): ") { message.removeFirst(name.count + 2) }
                throw ParseError(file: name, line: 0, message: message)
            }
        }
        guard !bytes.isEmpty else { throw ParseError(file: name, line: 0, message: "empty file; expected an LP model") }
        return try bytes.withUnsafeBufferPointer { buffer in
            var parser = LPParser(lexer: LPLexer(bytes: buffer, file: name))
            return try parser.parse()
        }
    }
}

// MARK: - Tokens

private enum Relation {
    case less, greater, equal

    var text: String {
        switch self {
        case .less: "<="
        case .greater: ">="
        case .equal: "="
        }
    }
}

private enum SectionKeyword: Equatable {
    case objective(ObjectiveSense), constraints, bounds, general, binary, semiContinuous, semiInteger, sos, end
}

private enum Lexeme {
    case name                    // a variable or keyword-like word
    case label                   // a name followed by `:` (the colon is consumed)
    case number(Double)
    case sign(Double)            // +1 or -1
    case relation(Relation)
    case colon                   // a `:` that follows no name
    case doubleColon             // `::` in SOS headers
    case section(SectionKeyword)
    case endOfFile
}

private struct LPToken {
    var lexeme: Lexeme
    var text: Token              // the name's bytes (labels: without the colon), or the token's bytes
    var line: Int
    var firstOnLine = false
}

/// Byte classes: 1 = may start a name, 2 = may continue a name only (digits, `.`).
private let nameClass: [UInt8] = {
    var table = [UInt8](repeating: 0, count: 256)
    for b in UInt8(ascii: "a")...UInt8(ascii: "z") { table[Int(b)] = 1 }
    for b in UInt8(ascii: "A")...UInt8(ascii: "Z") { table[Int(b)] = 1 }
    for b in "!\"#$%&()/,;?@_`'{}|~".utf8 { table[Int(b)] = 1 }
    for b in 128...255 { table[b] = 1 }
    for b in UInt8(ascii: "0")...UInt8(ascii: "9") { table[Int(b)] = 2 }
    table[Int(UInt8(ascii: "."))] = 2
    return table
}()

private func isDigit(_ b: UInt8) -> Bool { b &- 48 < 10 }

// MARK: - Lexer

/// Splits LP text into tokens, one at a time, with up to three tokens of lookahead.
private struct LPLexer {
    let bytes: UnsafeBufferPointer<UInt8>
    let file: String
    var position = 0
    var line = 1
    var atLineStart = true
    var sawToken = false
    var problemName: String?
    /// Set by HiGHS's first line (`\ File written by HiGHS .lp file handler`): HiGHS writes column
    /// names as they are, also ones that start with a digit or a period (netlib's `1`, `...100`),
    /// which the LP format forbids; in such a file a number where a variable must be is its name.
    var writtenByHiGHS = false
    var buffered: [LPToken] = []

    init(bytes: UnsafeBufferPointer<UInt8>, file: String) {
        self.bytes = bytes
        self.file = file
        if bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF { position = 3 }
        buffered.reserveCapacity(4)
    }

    func fail(_ message: String, line: Int? = nil) -> ParseError {
        ParseError(file: file, line: line ?? self.line, message: message)
    }

    func text(_ token: Token) -> String { String(decoding: bytes[token.start..<token.end], as: UTF8.self) }

    /// The `k`-th token ahead (0 = the next one), without consuming it.
    mutating func peek(_ k: Int = 0) throws -> LPToken {
        while buffered.count <= k { buffered.append(try scan()) }
        return buffered[k]
    }

    mutating func take() throws -> LPToken {
        if buffered.isEmpty { return try scan() }
        return buffered.removeFirst()
    }

    private mutating func skipBlanksAndComments() throws {
        let count = bytes.count
        while position < count {
            let b = bytes[position]
            switch b {
            case 10:
                line += 1
                atLineStart = true
                position += 1
            case 32, 9, 13, 11, 12:
                position += 1
            case UInt8(ascii: "\\"):
                let start = position + 1
                while position < count && bytes[position] != 10 { position += 1 }
                if !sawToken {
                    if problemName == nil { noteProblemName(start, position) }
                    if text(Token(start: start, end: position)).lowercased().contains("file written by highs") { writtenByHiGHS = true }
                }
            default:
                return
            }
        }
    }

    /// `\ Problem name: NAME` before the first token names the model.
    private mutating func noteProblemName(_ start: Int, _ end: Int) {
        let comment = text(Token(start: start, end: end)).trimmingBlanks()
        let prefix = "problem name:"
        guard comment.lowercased().hasPrefix(prefix) else { return }
        let name = String(comment.dropFirst(prefix.count)).trimmingBlanks()
        if !name.isEmpty { problemName = name }
    }

    private mutating func scan() throws -> LPToken {
        try skipBlanksAndComments()
        let count = bytes.count
        guard position < count else { return LPToken(lexeme: .endOfFile, text: Token(start: count, end: count), line: line) }
        let first = atLineStart
        atLineStart = false
        sawToken = true
        let start = position
        let b = bytes[position]
        // A period that is not a decimal point starts a name in HiGHS's files (`...100`, `.B5..1`).
        // So does a digit that starts a row's label (`1: …`).
        let periodName = writtenByHiGHS && b == UInt8(ascii: ".") && position + 1 < count
            && (nameClass[Int(bytes[position + 1])] == 1 || bytes[position + 1] == UInt8(ascii: "."))
        if nameClass[Int(b)] == 1 || periodName || (writtenByHiGHS && isDigit(b) && wordEndsWithColon(start)) {
            var token = try scanName(firstOnLine: first)
            token.firstOnLine = first
            return token
        }
        if isDigit(b) || (b == UInt8(ascii: ".") && position + 1 < count && isDigit(bytes[position + 1])) {
            var token = try scanNumber()
            token.firstOnLine = first
            return token
        }
        position += 1
        let next: UInt8 = position < count ? bytes[position] : 0
        switch b {
        case UInt8(ascii: "+"): return LPToken(lexeme: .sign(1), text: Token(start: start, end: position), line: line)
        case UInt8(ascii: "-"): return LPToken(lexeme: .sign(-1), text: Token(start: start, end: position), line: line)
        case UInt8(ascii: "<"):
            if next == UInt8(ascii: "=") { position += 1 }
            return LPToken(lexeme: .relation(.less), text: Token(start: start, end: position), line: line)
        case UInt8(ascii: ">"):
            if next == UInt8(ascii: "=") { position += 1 }
            return LPToken(lexeme: .relation(.greater), text: Token(start: start, end: position), line: line)
        case UInt8(ascii: "="):
            if next == UInt8(ascii: "<") {
                position += 1
                return LPToken(lexeme: .relation(.less), text: Token(start: start, end: position), line: line)
            }
            if next == UInt8(ascii: ">") {
                position += 1
                return LPToken(lexeme: .relation(.greater), text: Token(start: start, end: position), line: line)
            }
            return LPToken(lexeme: .relation(.equal), text: Token(start: start, end: position), line: line)
        case UInt8(ascii: ":"):
            if next == UInt8(ascii: ":") {
                position += 1
                return LPToken(lexeme: .doubleColon, text: Token(start: start, end: position), line: line)
            }
            return LPToken(lexeme: .colon, text: Token(start: start, end: position), line: line)
        case UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: "*"), UInt8(ascii: "^"):
            throw fail("quadratic terms are not supported (found '\(Character(Unicode.Scalar(b)))'); only linear LP files can be read")
        case UInt8(ascii: "."):
            throw fail("bad number \"\(text(wordAt(start)).prefix(40))\"")
        default:
            let hex = String(b, radix: 16, uppercase: true)
            throw fail("unexpected byte 0x\(hex.count == 1 ? "0" : "")\(hex); is this a text LP file?")
        }
    }

    /// True when the run of name bytes at `start` is followed, after blanks, by `:` (not `::`).
    func wordEndsWithColon(_ start: Int) -> Bool {
        var p = start
        while p < bytes.count && nameClass[Int(bytes[p])] != 0 { p += 1 }
        while p < bytes.count && (bytes[p] == 32 || bytes[p] == 9) { p += 1 }
        return p < bytes.count && bytes[p] == UInt8(ascii: ":") && !(p + 1 < bytes.count && bytes[p + 1] == UInt8(ascii: ":"))
    }

    /// The run of non-blank bytes at `start` (for error messages).
    func wordAt(_ start: Int) -> Token {
        var end = start
        while end < bytes.count, bytes[end] > 32, end - start < 60 { end += 1 }
        return Token(start: start, end: end)
    }

    private mutating func scanNumber() throws -> LPToken {
        let start = position, count = bytes.count
        while position < count && isDigit(bytes[position]) { position += 1 }
        if position < count && bytes[position] == UInt8(ascii: ".") {
            position += 1
            while position < count && isDigit(bytes[position]) { position += 1 }
        }
        if position < count && bytes[position] | 0x20 == UInt8(ascii: "e") {
            var p = position + 1
            let signed = p < count && (bytes[p] == UInt8(ascii: "+") || bytes[p] == UInt8(ascii: "-"))
            if signed { p += 1 }
            if p < count && isDigit(bytes[p]) {
                while p < count && isDigit(bytes[p]) { p += 1 }
                position = p
            } else if signed {
                throw fail("bad number \"\(text(wordAt(start)))\": exponent without digits")
            }
        }
        if position < count && (bytes[position] == UInt8(ascii: ".") || isDigit(bytes[position])) {
            throw fail("bad number \"\(text(wordAt(start)))\"")
        }
        if position + 1 < count && bytes[position] == UInt8(ascii: "/") && isDigit(bytes[position + 1]) {
            throw fail("rational number \"\(text(wordAt(start)))\": write it as a decimal (exact-arithmetic LP files are not supported)")
        }
        let token = Token(start: start, end: position)
        guard let value = parseNumber(bytes, token) else { throw fail("bad number \"\(text(token))\"") }
        return LPToken(lexeme: .number(value), text: token, line: line)
    }

    private mutating func scanName(firstOnLine: Bool) throws -> LPToken {
        let start = position, count = bytes.count
        while position < count && nameClass[Int(bytes[position])] != 0 { position += 1 }
        let name = Token(start: start, end: position)
        // A name followed by `:` (not `::`) on the same line is a label.
        var p = position
        while p < count && (bytes[p] == 32 || bytes[p] == 9) { p += 1 }
        if p < count && bytes[p] == UInt8(ascii: ":") && !(p + 1 < count && bytes[p + 1] == UInt8(ascii: ":")) {
            position = p + 1
            return LPToken(lexeme: .label, text: name, line: line)
        }
        if firstOnLine, let keyword = sectionKeyword(name) {
            return LPToken(lexeme: .section(keyword), text: Token(start: start, end: position), line: line)
        }
        return LPToken(lexeme: .name, text: name, line: line)
    }

    /// The section a line-leading word starts, consuming `to`/`that`/`-continuous` where needed.
    private mutating func sectionKeyword(_ word: Token) -> SectionKeyword? {
        guard word.count <= 15 else { return nil }
        switch text(word).lowercased() {
        case "minimize", "minimise", "minimum", "min": return .objective(.minimize)
        case "maximize", "maximise", "maximum", "max": return .objective(.maximize)
        case "st", "s.t.", "st.": return .constraints
        case "subject": return followedBy("to") ? .constraints : nil
        case "such": return followedBy("that") ? .constraints : nil
        case "bound", "bounds": return .bounds
        case "general", "generals", "gen", "integer", "integers": return .general
        case "binary", "binaries", "bin": return .binary
        case "semis", "semicontinuous": return .semiContinuous
        case "semiinteger", "semiintegers": return .semiInteger
        case "semi":
            if consumes("-continuous") { return .semiContinuous }
            if consumes("-integers") || consumes("-integer") { return .semiInteger }
            return .semiContinuous
        case "sos": return .sos
        case "end": return .end
        default: return nil
        }
    }

    /// Consumes `suffix` (any case) when it comes right after the current word and ends a name.
    private mutating func consumes(_ suffix: String) -> Bool {
        let rest = Array(suffix.utf8)
        guard position + rest.count <= bytes.count,
              zip(bytes[position..<(position + rest.count)], rest).allSatisfy({ $0 | 0x20 == $1 | 0x20 }),
              position + rest.count == bytes.count || nameClass[Int(bytes[position + rest.count])] == 0 else { return false }
        position += rest.count
        return true
    }

    /// Consumes blanks and `word` (any case) when they come next on this line.
    private mutating func followedBy(_ word: String) -> Bool {
        var p = position
        while p < bytes.count && (bytes[p] == 32 || bytes[p] == 9) { p += 1 }
        guard p > position else { return false }
        let w = Array(word.utf8)
        guard p + w.count <= bytes.count, zip(bytes[p..<(p + w.count)], w).allSatisfy({ $0 | 0x20 == $1 }) else { return false }
        let end = p + w.count
        guard end == bytes.count || nameClass[Int(bytes[end])] == 0 else { return false }
        position = end
        return true
    }
}

extension String {
    fileprivate func trimmingBlanks() -> String {
        var s = Substring(self)
        while let c = s.first, c == " " || c == "\t" || c == "\r" { s.removeFirst() }
        while let c = s.last, c == " " || c == "\t" || c == "\r" { s.removeLast() }
        return String(s)
    }
}

// MARK: - Parser

private let infinityThreshold = 1e30

/// `value` with |value| ≥ 1e30 made infinite.
private func infinite(_ value: Double) -> Double {
    value >= infinityThreshold ? .infinity : (value <= -infinityThreshold ? -.infinity : value)
}

private struct LPParser {
    var lexer: LPLexer
    var data = SparseModelData()

    // Columns
    var columnIndex = NameIndex(expected: 1 << 12)
    var declared: [UInt8] = []          // bit 1: general, 2: binary, 4: semi-continuous, 8: semi-integer
    var marks: [Int32] = []             // position of a column in the row being read, or -1

    // Rows
    var rowIndex = NameIndex(expected: 1 << 10)
    var rowLines: [Int] = []            // line of each named row, by rowIndex index
    var rowNames: [String] = []
    var anyRowNamed = false
    var termColumns: [Int32] = []       // the row being read
    var termValues: [Double] = []

    var sawObjective = false
    var sawEnd = false

    init(lexer: LPLexer) { self.lexer = lexer }

    var file: String { lexer.file }

    func fail(_ message: String, at token: LPToken) -> ParseError {
        ParseError(file: file, line: token.line, message: message)
    }

    func text(_ token: LPToken) -> String { lexer.text(token.text) }

    func describe(_ token: LPToken) -> String {
        switch token.lexeme {
        case .endOfFile: return "the end of the file"
        case .label: return "\"\(text(token).prefix(60)):\""
        case .section: return "the keyword \"\(text(token).prefix(40))\""
        default: return "\"\(text(token).prefix(60))\""
        }
    }

    /// True for a name that is not `inf`/`infinity`, and in HiGHS's files also for a number
    /// (a column named `5`).
    func isVariable(_ token: LPToken) -> Bool {
        switch token.lexeme {
        case .name: !isInfinityWord(token)
        case .number: lexer.writtenByHiGHS
        default: false
        }
    }

    func isInfinityWord(_ token: LPToken) -> Bool {
        guard case .name = token.lexeme, token.text.count == 3 || token.text.count == 8 else { return false }
        let word = text(token).lowercased()
        return word == "inf" || word == "infinity"
    }

    mutating func parse() throws -> (model: Model, notes: ReadNotes) {
        while !sawEnd {
            let token = try lexer.peek()
            switch token.lexeme {
            case .section(let keyword):
                _ = try lexer.take()
                switch keyword {
                case .objective(let sense): try objectiveSection(sense, token)
                case .constraints: try constraintSection()
                case .bounds: try boundSection()
                case .general: try typeSection(bit: 1, "General", token)
                case .binary: try typeSection(bit: 2, "Binary", token)
                case .semiContinuous: try typeSection(bit: 4, "Semi-continuous", token)
                case .semiInteger: try typeSection(bit: 8, "Semi-integer", token)
                case .sos: try sosSection()
                case .end: sawEnd = true
                }
            case .endOfFile:
                if !sawObjective && data.rowLowerBounds.isEmpty && columnIndex.count == 0 {
                    throw fail("no LP sections found; expected Minimize or Maximize", at: token)
                }
                throw fail("file ends without End (truncated?)", at: token)
            default:
                let hint = lexer.text(token.text).uppercased() == "NAME" || lexer.text(token.text).uppercased() == "ROWS" ? " (is this an MPS file?)" : ""
                if !sawObjective && data.rowLowerBounds.isEmpty {
                    throw fail("expected Minimize or Maximize, found \(describe(token))\(hint)", at: token)
                }
                throw fail("expected a section keyword (Subject To, Bounds, General, Binary, Semi-continuous, SOS or End) at the start of a line, found \(describe(token))", at: token)
            }
        }
        return assemble()
    }

    // MARK: Columns

    mutating func column(_ token: LPToken) -> Int {
        let (index, inserted) = columnIndex.insert(lexer.bytes, token.text)
        if inserted {
            data.lowerBounds.append(0)
            data.upperBounds.append(.infinity)
            data.kinds.append(.continuous)
            data.objective.append(0)
            declared.append(0)
            marks.append(-1)
        }
        return index
    }

    // MARK: Expressions

    enum Target { case objective, row }

    struct Expression {
        var terms = 0           // terms with a variable
        var constant = 0.0
        var constants = 0       // constant terms
        var isEmpty: Bool { terms == 0 && constants == 0 }
    }

    /// Reads `[sign] term (sign term)*`, adding variable terms to the objective or the current
    /// row; stops before anything that cannot continue the expression.
    mutating func expression(_ target: Target, context: String) throws -> Expression {
        var e = Expression()
        var firstWord: LPToken?     // the first term, when it is a bare name
        while true {
            var sign = 1.0
            var signToken: LPToken?
            while case .sign(let s) = try lexer.peek().lexeme {
                sign *= s
                signToken = try lexer.take()
            }
            let token = try lexer.peek()
            if signToken == nil && !e.isEmpty {
                // After a complete term only a sign continues the expression.
                switch token.lexeme {
                case .name, .number:
                    if let word = firstWord, e.terms == 1, e.constants == 0, word.firstOnLine {
                        if token.line > word.line { throw unknownKeyword(word) }
                        if case .name = token.lexeme, onlyWordsFollow(word) { throw unknownKeyword(word, wholeLine: true) }
                    }
                    if case .name = token.lexeme, token.firstOnLine, try lexer.peek(1).line > token.line {
                        throw unknownKeyword(token)
                    }
                    throw fail("expected + or - between terms in \(context), found \(describe(token)) (products of variables are not supported; names cannot contain blanks)", at: token)
                default:
                    return e
                }
            }
            switch token.lexeme {
            case .number(let value):
                _ = try lexer.take()
                let after = try lexer.peek()
                if isVariable(after) {
                    _ = try lexer.take()
                    guard value.isFinite else { throw fail("coefficient \(text(token)) of \(text(after).prefix(60)) is out of range", at: token) }
                    try addTerm(sign * value, column(after), target)
                    e.terms += 1
                } else if case .number = after.lexeme {
                    throw fail("expected a variable after the coefficient \(text(token)) in \(context), found the number \(text(after))", at: after)
                } else {
                    e.constant += sign * value
                    e.constants += 1
                }
            case .name:
                _ = try lexer.take()
                if isInfinityWord(token) {
                    e.constant += sign * .infinity
                    e.constants += 1
                } else {
                    if e.isEmpty && signToken == nil { firstWord = token }
                    try addTerm(sign, column(token), target)
                    e.terms += 1
                }
            default:
                if let signToken {
                    throw fail("expected a number or a variable after '\(text(signToken))' in \(context), found \(describe(token))", at: token)
                }
                return e
            }
        }
    }

    /// True when the rest of `word`'s line holds only names and blanks (`Lazy Constraints`).
    func onlyWordsFollow(_ word: LPToken) -> Bool {
        var p = word.text.end
        let bytes = lexer.bytes
        while p < bytes.count && bytes[p] != 10 && bytes[p] != UInt8(ascii: "\\") {
            let b = bytes[p]
            guard b == 32 || b == 9 || b == 13 || nameClass[Int(b)] != 0 else { return false }
            p += 1
        }
        return true
    }

    /// A word alone on its line where a term or bound cannot be: most likely a misspelt section.
    func unknownKeyword(_ word: LPToken, wholeLine: Bool = false) -> ParseError {
        var end = word.text.end
        if wholeLine {
            while end < lexer.bytes.count && lexer.bytes[end] != 10 && lexer.bytes[end] != 13 && lexer.bytes[end] != UInt8(ascii: "\\") { end += 1 }
        }
        let phrase = lexer.text(Token(start: word.text.start, end: end)).trimmingBlanks()
        return fail("unknown section keyword \"\(phrase.prefix(40))\"; sections are Minimize, Maximize, Subject To, Bounds, General, Binary, Semi-continuous, SOS and End", at: word)
    }

    mutating func addTerm(_ value: Double, _ column: Int, _ target: Target) throws {
        switch target {
        case .objective:
            data.objective[column] += value
        case .row:
            let mark = marks[column]
            if mark >= 0 {
                termValues[Int(mark)] += value
            } else {
                marks[column] = Int32(termColumns.count)
                termColumns.append(Int32(column))
                termValues.append(value)
            }
        }
    }

    /// A single constant: signs, then a number or `inf`/`infinity`; |value| ≥ 1e30 is infinite.
    mutating func constant(after what: String, context: String, inRow: Bool = false) throws -> Double {
        var sign = 1.0
        while case .sign(let s) = try lexer.peek().lexeme {
            sign *= s
            _ = try lexer.take()
        }
        let token = try lexer.take()
        switch token.lexeme {
        case .number(let value):
            let v = sign * value
            return infinite(v)
        case .name where isInfinityWord(token):
            return sign * .infinity
        case .name:
            let hint = inRow ? " (variables must be on the left-hand side)" : ""
            throw fail("expected a number after \(what) in \(context), found the variable \(text(token).prefix(60))\(hint)", at: token)
        default:
            throw fail("expected a number after \(what) in \(context), found \(describe(token))", at: token)
        }
    }

    // MARK: Objective

    mutating func objectiveSection(_ sense: ObjectiveSense, _ keyword: LPToken) throws {
        guard !sawObjective else { throw fail("a second objective section (Minimize/Maximize); only one objective is supported", at: keyword) }
        sawObjective = true
        data.sense = sense
        if case .label = try lexer.peek().lexeme { _ = try lexer.take() }
        let e = try expression(.objective, context: "the objective")
        guard e.constant.isFinite else { throw fail("the objective constant must be finite", at: keyword) }
        data.objectiveConstant = e.constant
        let next = try lexer.peek()
        switch next.lexeme {
        case .section, .endOfFile: return
        case .label: throw fail("unexpected \(describe(next)) in the objective; constraints need a Subject To line first", at: next)
        case .relation: throw fail("unexpected \(describe(next)) in the objective; constraints need a Subject To line first", at: next)
        default: throw fail("unexpected \(describe(next)) in the objective", at: next)
        }
    }

    // MARK: Constraints

    mutating func constraintSection() throws {
        while true {
            let token = try lexer.peek()
            switch token.lexeme {
            case .section, .endOfFile: return
            case .label:
                if let type = try sosHeader(at: 1) {
                    try sosInConstraints(type)
                    continue
                }
                _ = try lexer.take()
                try constraint(name: token)
            default:
                try constraint(name: nil)
            }
        }
    }

    /// `name: S1:: x:1 y:2 …` among the rows (as MathOptInterface writes SOS sets): the header's
    /// three tokens, then `variable:weight` members while a member cannot be read as a row
    /// (a weight followed by another label, a section or the end of the file).
    mutating func sosInConstraints(_ type: SOSConstraint.SOSType) throws {
        for _ in 0..<3 { _ = try lexer.take() }
        var columns: [Int32] = [], weights: [Double] = []
        while case .label = try lexer.peek().lexeme, try isSOSMember() {
            let member = try lexer.take()
            let weight = try constant(after: "\(text(member).prefix(60)):", context: "SOS")
            guard weight.isFinite else { throw fail("SOS weight of \(text(member).prefix(60)) must be finite", at: member) }
            columns.append(Int32(column(member)))
            weights.append(weight)
        }
        appendSOS(type, columns, weights)
    }

    /// True when the label ahead starts an SOS member `x:1` rather than a row `c: 1 x >= 0`.
    mutating func isSOSMember() throws -> Bool {
        var k = 1
        if case .sign = try lexer.peek(k).lexeme { k += 1 }
        guard case .number = try lexer.peek(k).lexeme else { return false }
        switch try lexer.peek(k + 1).lexeme {
        case .label, .section, .endOfFile: return true
        default: return false
        }
    }

    /// Adds an SOS set, its members sorted by weight as in MPS.
    mutating func appendSOS(_ type: SOSConstraint.SOSType, _ columns: [Int32], _ weights: [Double]) {
        let order = columns.indices.sorted { weights[$0] < weights[$1] }
        data.sos.append(SOSConstraint(type: type, columns: order.map { columns[$0] }, weights: order.map { weights[$0] }))
    }

    mutating func constraint(name: LPToken?) throws {
        let start = try lexer.peek()
        let context = name.map { "constraint \(text($0).prefix(60))" } ?? "the constraint on line \(start.line)"
        termColumns.removeAll(keepingCapacity: true)
        termValues.removeAll(keepingCapacity: true)
        let left = try expression(.row, context: context)
        let relationToken = try lexer.peek()
        guard case .relation(let relation) = relationToken.lexeme else {
            if left.isEmpty {
                throw fail("expected a constraint (a name, a term or a number), found \(describe(relationToken))", at: relationToken)
            }
            throw fail("expected <=, >= or = in \(context), found \(describe(relationToken))", at: relationToken)
        }
        _ = try lexer.take()
        var lower: Double, upper: Double
        if left.terms > 0 {
            // expression relation constant
            guard left.constant.isFinite else { throw fail("infinite constant next to variables in \(context)", at: start) }
            let rhs = try constant(after: "'\(text(relationToken))'", context: context, inRow: true) - left.constant
            (lower, upper) = bounds(relation, rhs)
            let next = try lexer.peek()
            if case .relation = next.lexeme {
                throw fail("unexpected second relation \(describe(next)) in \(context); ranged rows are written 'lower <= expression <= upper'", at: next)
            }
        } else {
            // constant relation expression [relation constant]
            let right = try expression(.row, context: context)
            if right.terms == 0 {
                // No variables at all (HiGHS writes `c: = +0` for an empty row): an empty row
                // whose activity 0 stands on the left.
                guard !right.isEmpty else {
                    throw fail("expected a number or a variable after '\(text(relationToken))' in \(context), found \(describe(try lexer.peek()))", at: try lexer.peek())
                }
                (lower, upper) = bounds(relation, right.constant - left.constant)
                if lower.isNaN || upper.isNaN { throw fail("the bounds of \(context) are not numbers (inf - inf)", at: start) }
                try appendRow(name: name, lower: lower, upper: upper)
                return
            }
            guard right.constant.isFinite else { throw fail("infinite constant next to variables in \(context)", at: start) }
            let outer = left.constant - right.constant
            let second = try lexer.peek()
            if case .relation(let relation2) = second.lexeme {
                _ = try lexer.take()
                guard relation == relation2, relation != .equal else {
                    throw fail("a ranged constraint needs two '<=' or two '>=', found '\(text(relationToken))' and '\(text(second))' in \(context)", at: second)
                }
                let other = try constant(after: "'\(text(second))'", context: context, inRow: true) - right.constant
                (lower, upper) = relation == .less ? (outer, other) : (other, outer)
            } else {
                // `c <= e` is `e >= c`.
                let flipped: Relation = relation == .less ? .greater : (relation == .greater ? .less : .equal)
                (lower, upper) = bounds(flipped, outer)
            }
        }
        if lower.isNaN || upper.isNaN { throw fail("the bounds of \(context) are not numbers (inf - inf)", at: start) }
        try appendRow(name: name, lower: lower, upper: upper)
    }

    func bounds(_ relation: Relation, _ value: Double) -> (Double, Double) {
        switch relation {
        case .less: (-.infinity, value)
        case .greater: (value, .infinity)
        case .equal: (value, value)
        }
    }

    mutating func appendRow(name: LPToken?, lower: Double, upper: Double) throws {
        // Bounds computed from constants on both sides follow the convention of written ones
        // (|value| ≥ 1e30 is infinite), so that writing and reading again keeps them.
        let lower = infinite(lower), upper = infinite(upper)
        if let name {
            let (index, inserted) = rowIndex.insert(lexer.bytes, name.text)
            guard inserted else {
                throw fail("constraint \"\(text(name).prefix(60))\" is defined twice (first on line \(rowLines[index]))", at: name)
            }
            rowLines.append(name.line)
            rowNames.append(text(name))
            anyRowNamed = true
        } else {
            rowNames.append("")
        }
        for k in termColumns.indices {
            marks[Int(termColumns[k])] = -1
            if termValues[k] != 0 {
                data.rowColumns.append(termColumns[k])
                data.rowCoefficients.append(termValues[k])
            }
        }
        data.rowStarts.append(data.rowColumns.count)
        data.rowLowerBounds.append(lower)
        data.rowUpperBounds.append(upper)
    }

    // MARK: Bounds

    mutating func boundSection() throws {
        while true {
            let token = try lexer.peek()
            switch token.lexeme {
            case .section, .endOfFile: return
            default: try bound()
            }
        }
    }

    mutating func bound() throws {
        let first = try lexer.peek()
        var valueFirst: Bool
        switch first.lexeme {
        case .number where lexer.writtenByHiGHS:
            // HiGHS writes `5 free` and `5 = 3` name first, and `1 <= 5`, `0 <= 5 <= 3` value first.
            let second = try lexer.peek(1)
            if case .name = second.lexeme, text(second).lowercased() == "free" {
                valueFirst = false
            } else if case .relation(.equal) = second.lexeme {
                valueFirst = false
            } else {
                valueFirst = true
            }
        case .sign, .number: valueFirst = true
        case .name:
            // `inf <= x` versus a variable called inf: a value comes first when a variable follows the relation.
            valueFirst = false
            if isInfinityWord(first), case .relation = try lexer.peek(1).lexeme {
                let third = try lexer.peek(2)
                if case .name = third.lexeme, !isInfinityWord(third) { valueFirst = true }
            }
        default:
            throw fail("expected a bound such as 'x <= 4', '-inf <= x <= 4' or 'x free' in Bounds, found \(describe(first))", at: first)
        }
        if valueFirst {
            let value = try constant(after: "the start of the bound", context: "Bounds")
            let relationToken = try lexer.take()
            guard case .relation(let relation) = relationToken.lexeme else {
                throw fail("expected <=, >= or = after \(formatted(value)) in Bounds, found \(describe(relationToken))", at: relationToken)
            }
            let variable = try lexer.take()
            guard isVariable(variable) else {
                throw fail("expected a variable after '\(text(relationToken))' in Bounds, found \(describe(variable))", at: variable)
            }
            let j = column(variable)
            let next = try lexer.peek()
            if case .relation(let relation2) = next.lexeme {
                _ = try lexer.take()
                guard relation == relation2, relation != .equal else {
                    throw fail("a bound 'l <= x <= u' needs two '<=' or two '>=', found '\(text(relationToken))' and '\(text(next))'", at: next)
                }
                let other = try constant(after: "'\(text(next))'", context: "the bounds of \(text(variable).prefix(60))")
                if relation == .less {
                    data.lowerBounds[j] = value
                    data.upperBounds[j] = other
                } else {
                    data.lowerBounds[j] = other
                    data.upperBounds[j] = value
                }
            } else {
                switch relation {
                case .less: data.lowerBounds[j] = value
                case .greater: data.upperBounds[j] = value
                case .equal: data.lowerBounds[j] = value; data.upperBounds[j] = value
                }
            }
            return
        }
        let variable = try lexer.take()
        let j = column(variable)
        let next = try lexer.take()
        switch next.lexeme {
        case .name where text(next).lowercased() == "free":
            data.lowerBounds[j] = -.infinity
            data.upperBounds[j] = .infinity
        case .relation(let relation):
            let value = try constant(after: "'\(text(next))'", context: "the bounds of \(text(variable).prefix(60))")
            switch relation {
            case .less: data.upperBounds[j] = value
            case .greater: data.lowerBounds[j] = value
            case .equal: data.lowerBounds[j] = value; data.upperBounds[j] = value
            }
            let after = try lexer.peek()
            if case .relation = after.lexeme {
                throw fail("unexpected \(describe(after)) in Bounds; a two-sided bound is written 'l <= x <= u'", at: after)
            }
        default:
            if variable.firstOnLine && next.line > variable.line { throw unknownKeyword(variable) }
            throw fail("expected <=, >=, = or free after \(text(variable).prefix(60)) in Bounds, found \(describe(next))", at: next)
        }
    }

    func formatted(_ value: Double) -> String {
        var buffer = TextBuffer(capacity: 24)
        buffer.append(number: value)
        return String(decoding: buffer.bytes, as: UTF8.self)
    }

    // MARK: General, Binary, Semi-continuous

    mutating func typeSection(bit: UInt8, _ title: String, _ keyword: LPToken) throws {
        while true {
            let token = try lexer.peek()
            switch token.lexeme {
            case .section, .endOfFile: return
            case .name, .number:
                // HiGHS writes names that start with a digit; elsewhere a number is no name.
                if case .number = token.lexeme, !lexer.writtenByHiGHS { fallthrough }
                _ = try lexer.take()
                let j = column(token)
                declared[j] |= bit
                // Semi-continuous and general (or binary), in either order, is semi-integer.
                let semi = declared[j] & (4 | 8) != 0, integral = declared[j] & (1 | 2 | 8) != 0
                data.kinds[j] = semi ? (integral ? .semiInteger : .semiContinuous) : (bit == 1 ? .integer : .binary)
            default:
                throw fail("expected a variable name in \(title), found \(describe(token))", at: token)
            }
        }
    }

    // MARK: SOS

    mutating func sosSection() throws {
        var sets: [(type: SOSConstraint.SOSType, columns: [Int32], weights: [Double])] = []
        while true {
            let token = try lexer.peek()
            switch token.lexeme {
            case .section, .endOfFile:
                for set in sets { appendSOS(set.type, set.columns, set.weights) }
                return
            case .label:
                if let type = try sosHeader(at: 1) {
                    _ = try lexer.take()
                    _ = try lexer.take()
                    _ = try lexer.take()
                    sets.append((type, [], []))
                    continue
                }
                // variable:weight
                guard !sets.isEmpty else { throw fail("expected an SOS header such as 's1: S1::' in SOS, found \(describe(token))", at: token) }
                _ = try lexer.take()
                let j = column(token)
                let weight = try constant(after: "\(text(token).prefix(60)):", context: "SOS")
                guard weight.isFinite else { throw fail("SOS weight of \(text(token).prefix(60)) must be finite", at: token) }
                sets[sets.count - 1].columns.append(Int32(j))
                sets[sets.count - 1].weights.append(weight)
            case .name:
                guard let type = try sosHeader(at: 0) else {
                    throw fail("expected 'variable:weight' or an SOS header such as 's1: S1::' in SOS, found \(describe(token))", at: token)
                }
                _ = try lexer.take()
                _ = try lexer.take()
                sets.append((type, [], []))
            default:
                throw fail("expected 'variable:weight' or an SOS header such as 's1: S1::' in SOS, found \(describe(token))", at: token)
            }
        }
    }

    /// The SOS type when tokens `k`, `k+1` are `S1`/`S2` and `::`.
    mutating func sosHeader(at k: Int) throws -> SOSConstraint.SOSType? {
        let type = try lexer.peek(k)
        guard case .name = type.lexeme, case .doubleColon = try lexer.peek(k + 1).lexeme else { return nil }
        switch text(type).uppercased() {
        case "S1": return .one
        case "S2": return .two
        default: throw fail("unknown SOS type \"\(text(type).prefix(20))\"; expected S1 or S2", at: type)
        }
    }

    // MARK: Assembly

    mutating func assemble() -> (model: Model, notes: ReadNotes) {
        for j in data.kinds.indices where data.kinds[j] == .binary || (data.kinds[j] == .semiInteger && declared[j] & 2 != 0) {
            if data.kinds[j] == .binary { data.lowerBounds[j] = max(data.lowerBounds[j], 0) }
            data.upperBounds[j] = min(data.upperBounds[j], 1)
        }
        data.name = lexer.problemName ?? ""
        data.variableNames = columnIndex.names.map { lexer.text($0) }
        data.constraintNames = anyRowNamed ? rowNames : nil
        foldWriterColumns()
        var notes = ReadNotes()
        notes.roundIntegerBounds(&data)
        let model = Model(data)
        notes.noteInfeasibleEmptyRows(of: model)
        return (model, notes)
    }

    /// Turns the columns `LPWriter` adds back into what they stand for: `~constant` (fixed at 1,
    /// in no row) into the objective constant, and `~r_<row>` (only in `row`, coefficient −1, the
    /// row `… = 0`) into the row's bounds. Columns that do not match exactly are kept.
    mutating func foldWriterColumns() {
        guard let names = data.variableNames, names.contains(where: { $0.hasPrefix("~") }) else { return }
        let n = names.count, rows = data.rowLowerBounds.count
        var uses = [Int32](repeating: 0, count: n), lastEntry = [Int](repeating: -1, count: n)
        for k in data.rowColumns.indices {
            uses[Int(data.rowColumns[k])] += 1
            lastEntry[Int(data.rowColumns[k])] = k
        }
        for set in data.sos { for c in set.columns { uses[Int(c)] += 1 } }
        var rowOfEntry: [Int] = []
        var rowNumber: [String: Int] = [:]
        for (r, name) in rowNames.enumerated() where !name.isEmpty { rowNumber[name] = r }
        var removed = [Bool](repeating: false, count: n)
        var removedEntries = Set<Int>()
        for j in 0..<n where names[j].hasPrefix("~") && data.kinds[j] == .continuous {
            if names[j] == lpConstantColumn {
                guard uses[j] == 0, data.lowerBounds[j] == 1, data.upperBounds[j] == 1 else { continue }
                data.objectiveConstant += data.objective[j]
                removed[j] = true
            } else if names[j].utf8.starts(with: lpRangeColumnPrefix.utf8), uses[j] == 1, lastEntry[j] >= 0, data.objective[j] == 0,
                      let r = rowNumber[String(decoding: names[j].utf8.dropFirst(lpRangeColumnPrefix.utf8.count), as: UTF8.self)] {
                if rowOfEntry.isEmpty {
                    rowOfEntry = [Int](repeating: 0, count: data.rowColumns.count)
                    for row in 0..<rows { for k in data.rowStarts[row]..<data.rowStarts[row + 1] { rowOfEntry[k] = row } }
                }
                let k = lastEntry[j]
                guard rowOfEntry[k] == r, data.rowCoefficients[k] == -1, data.rowLowerBounds[r] == 0, data.rowUpperBounds[r] == 0 else { continue }
                data.rowLowerBounds[r] = data.lowerBounds[j]
                data.rowUpperBounds[r] = data.upperBounds[j]
                removed[j] = true
                removedEntries.insert(k)
            }
        }
        guard removed.contains(true) else { return }
        var newIndex = [Int32](repeating: -1, count: n)
        var next: Int32 = 0
        for j in 0..<n where !removed[j] { newIndex[j] = next; next += 1 }
        var columns: [Int32] = [], coefficients: [Double] = [], starts = [0]
        columns.reserveCapacity(data.rowColumns.count)
        coefficients.reserveCapacity(data.rowColumns.count)
        for r in 0..<rows {
            for k in data.rowStarts[r]..<data.rowStarts[r + 1] where !removedEntries.contains(k) {
                columns.append(newIndex[Int(data.rowColumns[k])])
                coefficients.append(data.rowCoefficients[k])
            }
            starts.append(columns.count)
        }
        data.rowColumns = columns
        data.rowCoefficients = coefficients
        data.rowStarts = starts
        let kept = (0..<n).filter { !removed[$0] }
        data.lowerBounds = kept.map { data.lowerBounds[$0] }
        data.upperBounds = kept.map { data.upperBounds[$0] }
        data.kinds = kept.map { data.kinds[$0] }
        data.objective = kept.map { data.objective[$0] }
        data.variableNames = kept.map { names[$0] }
        data.sos = data.sos.map { SOSConstraint(type: $0.type, columns: $0.columns.map { newIndex[Int($0)] }, weights: $0.weights) }
    }
}
