import Foundation

/// The repository root (the examples read its bundled graphs, tensors and instances).
public let repositoryRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// A bundled file, by its path in the repository.
public func bundled(_ path: String) -> String { repositoryRoot.appendingPathComponent(path).path }

/// Ends the program with exit status 1 and `message` unless `condition` holds.
public func check(_ condition: Bool, _ message: @autoclosure () -> String) {
    guard !condition else { return }
    FileHandle.standardError.write(Data("example failed: \(message())\n".utf8))
    exit(1)
}
