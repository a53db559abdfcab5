using Google.Protobuf.WellKnownTypes;
using Recovery.AuthServer.Access;
using Recovery.AuthServer.Operations;
using Recovery.AuthServer.Passwords;
using Recovery.V1;

namespace Recovery.AuthServer.Grpc;

/// <summary>Domain values to contract messages.</summary>
public static class ProtoMapping
{
    public static Timestamp ToTimestamp(this DateTimeOffset t) => Timestamp.FromDateTimeOffset(t);

    public static V1.OperationState ToProto(this Operations.OperationState state) => state switch
    {
        Operations.OperationState.Pending => V1.OperationState.Pending,
        Operations.OperationState.Signed => V1.OperationState.Signed,
        Operations.OperationState.Cancelled => V1.OperationState.Cancelled,
        Operations.OperationState.Expired => V1.OperationState.Expired,
        _ => V1.OperationState.Unspecified,
    };

    public static V1.PasswordStrength ToProto(this Passwords.PasswordStrength s) => (V1.PasswordStrength)(int)s;

    public static V1.PasswordRule ToProto(this Passwords.PasswordRule r) => (V1.PasswordRule)(int)r;

    public static Operation ToProto(this OperationView op) => new()
    {
        OperationId = op.OperationId,
        Reference = op.Reference,
        Description = op.Description,
        PhoneLastDigits = op.PhoneLastDigits,
        CodeExpireTime = op.CodeExpiresAt.ToTimestamp(),
        ResendAvailableTime = op.ResendAvailableAt.ToTimestamp(),
        State = op.State.ToProto(),
    };
}
