namespace Recovery.AuthServer.Operations;

public enum OperationState
{
    Pending,
    Signed,
    Cancelled,
    Expired,
}
