namespace Recovery.AuthServer.Operations;

/// <summary>How <see cref="IOperationStore.TrySmsCodeAsync"/> ended.</summary>
public enum OperationCodeStepStatus
{
    /// <summary>Decided: the try was refused by a full budget (nothing evaluated) or the code was evaluated and the try settled.</summary>
    Tried,

    /// <summary>Nothing taken or evaluated: the budget is full only of tries still being evaluated, which may give their units back.</summary>
    Busy,

    /// <summary>
    /// The try is taken and the code is not the SMS code of a usable challenge (nothing changed or counted): the customer
    /// has an authenticator app, so the code may be an app code, which the store cannot check (its secret is sealed); the
    /// caller evaluates it holding the unit.
    /// </summary>
    OtherFactorEnrolled,
}
