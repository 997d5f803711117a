// Tucker core shapes: the digits tensor's mode spectra, the shape that keeps the most energy
// within 5000 parameters, by the exact IP on CBC and on GLPK, against exhaustive enumeration.
import ExampleSupport
import MILPKit

let tensor = try DenseTensor.readNpy(path: bundled("Tests/CoreShapeTests/Fixtures/digits.npy"))
let problem = CoreShapeProblem(spectra: ModeSpectra(tensor: tensor))
let (enumerated, _) = try problem.solve(budget: 5000, method: .brute, solver: CbcSolver())

for solver in [CbcSolver(), GlpkSolver()] as [any Solver] {
    let (choice, stats) = try problem.solve(budget: 5000, method: .ip, solver: solver)
    let error = try TruncatedHOSVD(tensor: tensor, shape: choice.shape).relativeSquaredError
    print("\(solver.name): shape \(choice.shape), \(choice.params) parameters, retained energy \(choice.retainedEnergy), HOSVD error \(error) (\(stats.integerPrograms) IPs)")
    check(choice.shape == enumerated.shape, "\(solver.name) chose \(choice.shape), enumeration \(enumerated.shape)")
    check(choice.params <= 5000, "\(choice.shape) needs \(choice.params) parameters")
}
print("CBC and GLPK: the enumerated optimum \(enumerated.shape)")
