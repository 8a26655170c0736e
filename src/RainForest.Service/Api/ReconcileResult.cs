namespace RainForest.Service.Api;

/// <summary>What <c>POST /v1/reconcile</c> answers: what <c>rfm reconcile</c> prints.</summary>
/// <param name="Repairs">One line per repair; empty when the ledger and the kernel agreed.</param>
/// <param name="BrokenInvariants">The ledger's broken invariants; empty when sound.</param>
public sealed record ReconcileResult(IReadOnlyList<string> Repairs, IReadOnlyList<string> BrokenInvariants);
