using Recovery.AuthServer.Otp;

namespace Recovery.AuthServer.Operations;

/// <summary>
/// A code presented to sign an operation, with all that <see cref="IOperationStore.TrySmsCodeAsync"/> needs to take the
/// customer's wrong-code try, evaluate the code against the operation's SMS challenge, settle the try and end the
/// operation when the try closes it, in one atomic step. On Redis that step is one script in the customer's slot: the
/// operation's id names the slot twin of the customer's tag (<see cref="OperationLifecycle.Group"/>), and
/// <see cref="Scope"/> opens with the customer's tag.
/// </summary>
public sealed record OperationSmsCode : SmsCodeTry
{
    public required string OperationId { get; init; }

    public required string CustomerId { get; init; }

    /// <summary>
    /// The try's unit was taken already, by this step's earlier run that found an app enrolled
    /// (<see cref="OperationCodeStepStatus.OtherFactorEnrolled"/>) and the code matched no time step of it: not taken
    /// again, and the code counts even while the SMS code is burned or expired (the app's codes stay guessable).
    /// </summary>
    public bool UnitHeld { get; init; }
}
