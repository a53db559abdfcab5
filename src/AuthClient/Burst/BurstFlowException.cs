namespace Recovery.Client.Burst;

/// <summary>A flow of the burst went wrong without an RPC error: a message never arrived, an answer was not the expected one.</summary>
internal sealed class BurstFlowException : Exception
{
    public BurstFlowException()
    {
    }

    public BurstFlowException(string message)
        : base(message)
    {
    }

    public BurstFlowException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
