import Foundation
import FuzzSupport
import MILPCoreShape

// libFuzzer entry point for the .npy reader (`scripts/fuzz.sh npy` builds and runs it).
//
// Every input goes through DenseTensor.parseNpy, which must return a tensor or throw a
// CoreShapeError; a crash, a trap, any other error type or an input taking over a second is a
// finding. A tensor must have at least one mode, no mode of size 0, as many values as the shape
// says, all finite.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzNpyReader(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Data(UnsafeBufferPointer(start: data, count: size))
    let tensor: DenseTensor
    do {
        tensor = try DenseTensor.parseNpy(bytes)
    } catch is CoreShapeError {
        return 0
    } catch {
        fatalError("parseNpy threw an unexpected error type: \(type(of: error)): \(error)")
    }
    if tensor.shape.isEmpty || tensor.shape.contains(where: { $0 < 1 }) || tensor.shape.reduce(1, *) != tensor.values.count
        || tensor.values.contains(where: { !$0.isFinite }) {
        fatalError("an invalid tensor: shape \(tensor.shape), \(tensor.values.count) values")
    }
    return 0
}
