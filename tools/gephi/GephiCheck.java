// Opens a GEXF or GraphML file with the Gephi toolkit (headless, no Gephi desktop) and
// prints what Gephi made of it as JSON on stdout: every node (id, label, position, colour,
// attribute values) and every edge (endpoints, directed or not, kind, attribute values).
// Used by tests/package/test_gephi.py through tools/gephi/gephi.sh.
//
// Usage: java -cp lib/gephi-toolkit-0.10.1-all.jar GephiCheck.java FILE [FILE ...]

import java.awt.Color;
import java.io.File;
import java.util.Locale;
import org.gephi.graph.api.Column;
import org.gephi.graph.api.Edge;
import org.gephi.graph.api.Element;
import org.gephi.graph.api.Graph;
import org.gephi.graph.api.GraphController;
import org.gephi.graph.api.GraphModel;
import org.gephi.graph.api.Node;
import org.gephi.graph.api.Table;
import org.gephi.io.importer.api.Container;
import org.gephi.io.importer.api.ImportController;
import org.gephi.io.processor.plugin.DefaultProcessor;
import org.gephi.project.api.ProjectController;
import org.gephi.project.api.Workspace;
import org.openide.util.Lookup;

public class GephiCheck {
    public static void main(String[] args) throws Exception {
        Locale.setDefault(Locale.ROOT);
        StringBuilder out = new StringBuilder("{");
        for (int i = 0; i < args.length; i++) {
            if (i > 0) {
                out.append(",");
            }
            out.append(quote(args[i])).append(":").append(load(new File(args[i])));
        }
        System.out.println(out.append("}"));
        System.exit(0);
    }

    private static String load(File file) throws Exception {
        ProjectController pc = Lookup.getDefault().lookup(ProjectController.class);
        pc.newProject();
        Workspace workspace = pc.getCurrentWorkspace();
        ImportController importer = Lookup.getDefault().lookup(ImportController.class);
        Container container = importer.importFile(file);
        if (container == null) {
            throw new IllegalStateException("Gephi could not import " + file);
        }
        StringBuilder issues = new StringBuilder("[");
        container.getReport().getIssues(100).forEachRemaining(issue -> {
            if (issues.length() > 1) {
                issues.append(",");
            }
            issues.append(quote(issue.getLevel() + ": " + issue.getMessage()));
        });
        issues.append("]");
        importer.process(container, new DefaultProcessor(), workspace);
        GraphModel model = Lookup.getDefault().lookup(GraphController.class).getGraphModel(workspace);
        Graph graph = model.getGraph();
        StringBuilder s = new StringBuilder("{\"issues\":").append(issues);
        s.append(",\"nodes\":[");
        boolean first = true;
        for (Node n : graph.getNodes()) {
            if (!first) {
                s.append(",");
            }
            first = false;
            Color c = n.getColor();
            s.append("{\"id\":").append(quote(String.valueOf(n.getId())))
                .append(",\"label\":").append(quote(n.getLabel()))
                .append(",\"x\":").append(n.x()).append(",\"y\":").append(n.y())
                .append(",\"size\":").append(n.size())
                .append(",\"color\":[").append(c.getRed()).append(",").append(c.getGreen())
                .append(",").append(c.getBlue()).append("]")
                .append(",\"attributes\":").append(attributes(n, model.getNodeTable()))
                .append("}");
        }
        s.append("],\"edges\":[");
        first = true;
        for (Edge e : graph.getEdges()) {
            if (!first) {
                s.append(",");
            }
            first = false;
            s.append("{\"source\":").append(quote(String.valueOf(e.getSource().getId())))
                .append(",\"target\":").append(quote(String.valueOf(e.getTarget().getId())))
                .append(",\"directed\":").append(e.isDirected())
                .append(",\"type\":").append(quote(String.valueOf(e.getTypeLabel())))
                .append(",\"weight\":").append(e.getWeight())
                .append(",\"attributes\":").append(attributes(e, model.getEdgeTable()))
                .append("}");
        }
        return s.append("]}").toString();
    }

    /** The non-null attribute values of an element, property columns (id, label...) excluded. */
    private static String attributes(Element element, Table table) {
        StringBuilder s = new StringBuilder("{");
        for (Column col : table) {
            if (col.isProperty()) {
                continue;
            }
            Object value = element.getAttribute(col);
            if (value == null) {
                continue;
            }
            if (s.length() > 1) {
                s.append(",");
            }
            s.append(quote(col.getId())).append(":").append(quote(String.valueOf(value)));
        }
        return s.append("}").toString();
    }

    private static String quote(String text) {
        if (text == null) {
            return "null";
        }
        StringBuilder s = new StringBuilder("\"");
        for (char ch : text.toCharArray()) {
            switch (ch) {
                case '"' -> s.append("\\\"");
                case '\\' -> s.append("\\\\");
                case '\n' -> s.append("\\n");
                default -> {
                    if (ch < 0x20) {
                        s.append(String.format("\\u%04x", (int) ch));
                    } else {
                        s.append(ch);
                    }
                }
            }
        }
        return s.append("\"").toString();
    }
}
