/// A problem in an input file, with its position.
public struct ParseError: Error, CustomStringConvertible, Sendable {
    public let file: String
    public let line: Int
    public let message: String

    /// An error at `line` of `file` (line 0: the file as a whole).
    public init(file: String, line: Int, message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    public var description: String { line > 0 ? "\(file):\(line): \(message)" : "\(file): \(message)" }
}
