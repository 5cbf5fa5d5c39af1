namespace Chronos.Fuse.Tests;
