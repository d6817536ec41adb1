// Compiles generated Java with javac (through javax.tools) and runs each starter test, in one JVM:
// a javac start costs seconds, and run.sh checks many contracts.
//
// Usage: java JavaChecks.java CONTRACT DIR CLASSPATH LOG [CONTRACT DIR CLASSPATH LOG]...
// For each group it compiles DIR/src/**/*.java against CLASSPATH into DIR/classes, then calls
// main of the one *SampleTest class in a class loader of its own (the library jars included, so
// that no static state of Avro or Jackson is shared between contracts). javac's diagnostics and
// the test's output go to LOG. Prints "passed CONTRACT" or "failed CONTRACT STEP" a line.

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

public class JavaChecks {
  public static void main(String[] args) throws Exception {
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    PrintStream stdout = System.out;
    for (int i = 0; i + 3 < args.length; i += 4) {
      String contract = args[i];
      Path dir = Path.of(args[i + 1]);
      String classpath = args[i + 2];
      try (PrintStream log = new PrintStream(Files.newOutputStream(Path.of(args[i + 3])), true)) {
        stdout.println(check(javac, dir, classpath, log, contract));
      }
    }
  }

  private static String check(JavaCompiler javac, Path dir, String classpath, PrintStream log, String contract)
      throws IOException {
    List<String> sources;
    try (Stream<Path> files = Files.walk(dir.resolve("src"))) {
      sources = files.map(Path::toString).filter(f -> f.endsWith(".java")).sorted().collect(Collectors.toList());
    }
    Path classes = dir.resolve("classes");
    List<String> options = new ArrayList<>(List.of("-d", classes.toString(), "-cp", classpath));
    options.addAll(sources);
    log.println("$ javac " + String.join(" ", options));
    if (javac.run(null, log, log, options.toArray(new String[0])) != 0) {
      return "failed " + contract + " javac";
    }
    String test = sources.stream()
        .filter(f -> f.endsWith("SampleTest.java"))
        .map(f -> dir.resolve("src/test/java").relativize(Path.of(f)).toString())
        .map(f -> f.substring(0, f.length() - ".java".length()).replace(File.separatorChar, '.'))
        .findFirst()
        .orElse(null);
    if (test == null) {
      log.println("no *SampleTest.java among the generated files");
      return "failed " + contract + " starter test (none generated)";
    }
    List<URL> urls = new ArrayList<>();
    urls.add(classes.toUri().toURL());
    for (String jar : classpath.split(File.pathSeparator)) {
      urls.add(Path.of(jar).toUri().toURL());
    }
    log.println("$ java " + test);
    PrintStream stdout = System.out;
    PrintStream stderr = System.err;
    ClassLoader context = Thread.currentThread().getContextClassLoader();
    try (URLClassLoader loader = new URLClassLoader(urls.toArray(new URL[0]), ClassLoader.getPlatformClassLoader())) {
      System.setOut(log);
      System.setErr(log);
      Thread.currentThread().setContextClassLoader(loader);
      loader.loadClass(test).getMethod("main", String[].class).invoke(null, (Object) new String[0]);
      return "passed " + contract;
    } catch (InvocationTargetException failure) {
      failure.getCause().printStackTrace(log);
      return "failed " + contract + " starter test " + test;
    } catch (ReflectiveOperationException | LinkageError failure) {
      failure.printStackTrace(log);
      return "failed " + contract + " starter test " + test;
    } finally {
      System.setOut(stdout);
      System.setErr(stderr);
      Thread.currentThread().setContextClassLoader(context);
    }
  }
}
