/// A problem in an input file, with its position.
public struct ParseError: Error, CustomStringConvertible, Sendable {
    /// The file name (or the name given to the parser) the error is in.
    public let file: String
    /// The 1-based line of the problem; 0 when it concerns the file as a whole.
    public let line: Int
    /// What is wrong, without the position.
    public let message: String

    /// An error at `line` of `file` (line 0: the file as a whole).
    public init(file: String, line: Int, message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    /// `file:line: message`, or `file: message` when ``line`` is 0.
    public var description: String { line > 0 ? "\(file):\(line): \(message)" : "\(file): \(message)" }
}
