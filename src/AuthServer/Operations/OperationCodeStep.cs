using Recovery.AuthServer.Otp;

namespace Recovery.AuthServer.Operations;

/// <summary>The answer of <see cref="IOperationStore.TrySmsCodeAsync"/>.</summary>
/// <param name="Status">Whether the try was decided in the step.</param>
/// <param name="Try">The decided try (<see cref="OperationCodeStepStatus.Tried"/> only): refused as exhausted, or evaluated and settled.</param>
public sealed record OperationCodeStep(OperationCodeStepStatus Status, CodeTry? Try = null);
