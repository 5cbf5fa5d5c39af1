namespace Chronos.Hypervisor.Tests;
