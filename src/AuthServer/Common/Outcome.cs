using System.Diagnostics.CodeAnalysis;

namespace Recovery.AuthServer.Common;

/// <summary>Either a value or an expected <see cref="Failure"/>.</summary>
public readonly struct Outcome<T>
{
    private readonly T? value;

    private Outcome(T? value, Failure? failure)
    {
        this.value = value;
        Failure = failure;
    }

    public Failure? Failure { get; }

    [MemberNotNullWhen(false, nameof(Failure))]
    public bool IsSuccess => Failure is null;

    public T Value => Failure is null ? value! : throw new InvalidOperationException($"Outcome failed: {Failure.Reason}");

    public static implicit operator Outcome<T>(T value) => new(value, null);

    public static implicit operator Outcome<T>(Failure failure) => new(default, failure ?? throw new ArgumentNullException(nameof(failure)));
}
