global using FlutHilfe.Web.Tests.Support;
global using Shouldly;
global using Xunit;
