namespace Recovery.AuthServer.SharedTests.Operations;

/// <summary>What a rule case acts on: its kind, and the argument that kind takes.</summary>
internal enum OperationAction
{
    /// <summary><c>TryCreateAsync</c> of <see cref="OperationStep.Candidate"/> under the case's reference.</summary>
    Create,

    /// <summary><c>TryCompleteAsync</c> of op-1 to <see cref="OperationStep.Target"/>.</summary>
    Complete,

    /// <summary><c>TryTakeCardCheckAsync</c> of op-1 with <see cref="OperationStep.Max"/>.</summary>
    TakeCardCheck,
}
