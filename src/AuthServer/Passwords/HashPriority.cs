namespace Recovery.AuthServer.Passwords;

/// <summary>
/// What kind of work a hash serves, for the <see cref="Argon2Gate"/>'s admission. Flows say what they bring; the
/// gate alone decides what that buys (docs/operations.md, "Hashing under a burst").
/// </summary>
public enum HashPriority
{
    /// <summary>Work of a customer who has spent nothing yet (any ordinary login, an unknown user code): shed first.</summary>
    Fresh = 0,

    /// <summary>
    /// Work that completes a customer whose flow has already cost the bank something: a password change with a live
    /// change ticket (an SMS code and a temporary password spent), the first login after a signed change. Served ahead
    /// of fresh work and admitted while fresh work is refused.
    /// </summary>
    Paid = 1,
}
