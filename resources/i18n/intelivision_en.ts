<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="en">
<context>
    <name>AboutDialog</name>
    <message numerus="yes">
        <source>Diagnostics copied to the clipboard (%n line(s)). Secrets are removed.</source>
        <translation>
            <numerusform>Diagnostics copied to the clipboard (%n line). Secrets are removed.</numerusform>
            <numerusform>Diagnostics copied to the clipboard (%n lines). Secrets are removed.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>AlertsPanel</name>
    <message numerus="yes">
        <source>%n unacknowledged</source>
        <translation>
            <numerusform>%n unacknowledged</numerusform>
            <numerusform>%n unacknowledged</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ExportDialog</name>
    <message numerus="yes">
        <source>%n row(s)</source>
        <translation>
            <numerusform>%n row</numerusform>
            <numerusform>%n rows</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Exported %n file(s) in {seconds} s.</source>
        <translation>
            <numerusform>Exported %n file in {seconds} s.</numerusform>
            <numerusform>Exported %n files in {seconds} s.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>FleetPanel</name>
    <message numerus="yes">
        <source>%n observer(s)</source>
        <translation>
            <numerusform>%n observer</numerusform>
            <numerusform>%n observers</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message numerus="yes">
        <source>Alerts (%n)</source>
        <translation>
            <numerusform>Alerts (%n)</numerusform>
            <numerusform>Alerts (%n)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n connected device(s) will be disconnected.</source>
        <translation>
            <numerusform>%n connected device will be disconnected.</numerusform>
            <numerusform>%n connected devices will be disconnected.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n device(s) are connected: they will be disconnected.</source>
        <translation>
            <numerusform>%n device is connected: it will be disconnected.</numerusform>
            <numerusform>%n devices are connected: they will be disconnected.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>⚠ %n problem(s)</source>
        <translation>
            <numerusform>⚠ %n problem</numerusform>
            <numerusform>⚠ %n problems</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n problem(s) in this session.</source>
        <translation>
            <numerusform>%n problem in this session.</numerusform>
            <numerusform>%n problems in this session.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>RecordingsBrowser</name>
    <message numerus="yes">
        <source>%n recording(s) in {folder} — reading…</source>
        <translation>
            <numerusform>%n recording in {folder} — reading…</numerusform>
            <numerusform>%n recordings in {folder} — reading…</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n recording(s) in {folder}</source>
        <translation>
            <numerusform>%n recording in {folder}</numerusform>
            <numerusform>%n recordings in {folder}</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>RecordingsModel</name>
    <message numerus="yes">
        <source>%n frame(s)</source>
        <translation>
            <numerusform>%n frame</numerusform>
            <numerusform>%n frames</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n description(s)</source>
        <translation>
            <numerusform>%n description</numerusform>
            <numerusform>%n descriptions</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n sample block(s)</source>
        <translation>
            <numerusform>%n sample block</numerusform>
            <numerusform>%n sample blocks</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>SerialPanel</name>
    <message numerus="yes">
        <source>New port(s): {ports}</source>
        <translation>
            <numerusform>New port: {ports}</numerusform>
            <numerusform>New ports: {ports}</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n row(s)</source>
        <translation>
            <numerusform>%n row</numerusform>
            <numerusform>%n rows</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n frame(s)</source>
        <translation>
            <numerusform>%n frame</numerusform>
            <numerusform>%n frames</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n bad line(s)</source>
        <translation>
            <numerusform>%n bad line</numerusform>
            <numerusform>%n bad lines</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n bad field(s)</source>
        <translation>
            <numerusform>%n bad field</numerusform>
            <numerusform>%n bad fields</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n value(s) over the {cap}-channel cap</source>
        <translation>
            <numerusform>%n value over the {cap}-channel cap</numerusform>
            <numerusform>%n values over the {cap}-channel cap</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n over-long line(s) cut</source>
        <translation>
            <numerusform>%n over-long line cut</numerusform>
            <numerusform>%n over-long lines cut</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n reconnect(s)</source>
        <translation>
            <numerusform>%n reconnect</numerusform>
            <numerusform>%n reconnects</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>Status</name>
    <message numerus="yes">
        <source>Accepting devices — %n connected — showing {device}</source>
        <translation>
            <numerusform>Accepting devices — %n connected — showing {device}</numerusform>
            <numerusform>Accepting devices — %n connected — showing {device}</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Accepting devices — %n connected</source>
        <translation>
            <numerusform>Accepting devices — %n connected</numerusform>
            <numerusform>Accepting devices — %n connected</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>TimelineView</name>
    <message numerus="yes">
        <source>%n new ↓</source>
        <translation>
            <numerusform>%n new ↓</numerusform>
            <numerusform>%n new ↓</numerusform>
        </translation>
    </message>
</context>
</TS>
