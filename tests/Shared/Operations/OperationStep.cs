using Recovery.AuthServer.Operations;

namespace Recovery.AuthServer.SharedTests.Operations;

/// <summary>One step of a rule case.</summary>
internal sealed record OperationStep(OperationAction Action, string Candidate = "op-2", OperationState Target = OperationState.Signed, int Max = 3)
{
    public static OperationStep Create(string candidate) => new(OperationAction.Create, Candidate: candidate);

    public static OperationStep Complete(OperationState target) => new(OperationAction.Complete, Target: target);

    public static OperationStep TakeCardCheck(int max) => new(OperationAction.TakeCardCheck, Max: max);
}
