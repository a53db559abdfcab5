using Recovery.AuthServer.Operations;

namespace Recovery.AuthServer.SharedTests.Operations;

/// <summary>
/// One row of <see cref="OperationRuleCases"/>: op-1 as stored before the step (null: none; it holds the case's
/// reference and ends at <see cref="OperationRuleCases.End"/>), a step at a time, the expected answer (a bool
/// for create and complete, a <see cref="CardCheckTake"/> for a card check), op-1 after it, and which operation
/// the reference leads to after it.
/// </summary>
/// <param name="At">The step's <c>now</c>, from <see cref="OperationRuleCases.Start"/> (whole seconds: Redis keeps microseconds).</param>
internal sealed record OperationRuleCase(
    string Name,
    OperationSnapshot? Given,
    TimeSpan At,
    OperationStep Step,
    object Expected,
    OperationSnapshot? Then,
    string? HolderAfter)
{
    public DateTimeOffset Now => OperationRuleCases.Start + At;

    public override string ToString() => Name;
}
