// The reader's own fixture: each namespace below is used by Fixture.User in exactly one way, so a test can tell which
// kinds of use NamespaceGraph sees. Block-scoped namespaces in one file on purpose: the point is the namespaces, and
// eleven files of three lines each would hide it.
#pragma warning disable CA1812, CA1822, CA1031, CA1064, CA1032, CA1852, IDE0161

namespace Recovery.AuthServer.UnitTests.Architecture.Fixture.User
{
    [ViaAttribute.Marker(typeof(ViaTypeof.Thing))]
    internal sealed class Consumer : ViaBase.Base
    {
        private ViaField.Thing? field;

        public ViaReturn.Thing? Returned() => null;

        public void Body()
        {
            // Only a call token in the IL: no local, no signature.
            ViaBody.Thing.Touch();

            // Only a generic argument of a method instantiation.
            _ = Array.Empty<ViaGeneric.Thing>().Length;

            try
            {
                Thrower.Throw();
            }
            catch (ViaCatch.Boom)
            {
                // Only the catch clause names the type.
            }

            // Only inside a lambda: the closure is a nested, compiler-generated type.
            Action touch = () => ViaLambda.Thing.Touch();
            touch();
            field = null;
            _ = field;
        }
    }

    internal static class Thrower
    {
        public static void Throw() => throw new InvalidOperationException();
    }
}

namespace Recovery.AuthServer.UnitTests.Architecture.Fixture.ViaAttribute
{
    [AttributeUsage(AttributeTargets.Class)]
    internal sealed class Marker(Type type) : Attribute
    {
        public Type Type { get; } = type;
    }
}

namespace Recovery.AuthServer.UnitTests.Architecture.Fixture.ViaTypeof
{
    internal sealed class Thing;
}

namespace Recovery.AuthServer.UnitTests.Architecture.Fixture.ViaBase
{
    internal abstract class Base;
}

namespace Recovery.AuthServer.UnitTests.Architecture.Fixture.ViaField
{
    internal sealed class Thing;
}

namespace Recovery.AuthServer.UnitTests.Architecture.Fixture.ViaReturn
{
    internal sealed class Thing;
}

namespace Recovery.AuthServer.UnitTests.Architecture.Fixture.ViaBody
{
    internal static class Thing
    {
        public static void Touch()
        {
        }
    }
}

namespace Recovery.AuthServer.UnitTests.Architecture.Fixture.ViaGeneric
{
    internal sealed class Thing;
}

namespace Recovery.AuthServer.UnitTests.Architecture.Fixture.ViaCatch
{
    internal sealed class Boom : Exception;
}

namespace Recovery.AuthServer.UnitTests.Architecture.Fixture.ViaLambda
{
    internal static class Thing
    {
        public static void Touch()
        {
        }
    }
}

namespace Recovery.AuthServer.UnitTests.Architecture.Fixture.Unused
{
    // Uses User, but nothing uses it: an edge must appear on this side only.
    internal static class Thing
    {
        public static void Touch() => User.Thrower.Throw();
    }
}
