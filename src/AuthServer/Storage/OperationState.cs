namespace Recovery.AuthServer.Storage;

public enum OperationState
{
    Pending,
    Signed,
    Cancelled,
    Expired,
}
