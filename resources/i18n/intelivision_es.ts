<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="es" sourcelanguage="en">
<context>
    <name>AboutDialog</name>
    <message>
        <source>Recordings</source>
        <translation>Grabaciones</translation>
    </message>
    <message>
        <source>Logs</source>
        <translation>Registros</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>Configuración</translation>
    </message>
    <message>
        <source>About {app}</source>
        <translation>Acerca de {app}</translation>
    </message>
    <message>
        <source>Copy diagnostics</source>
        <translation>Copiar diagnóstico</translation>
    </message>
    <message>
        <source>Copy versions, system, session state and the end of the log (secrets removed) to paste into a bug report</source>
        <translation>Copia las versiones, el sistema, el estado de la sesión y el final del registro (sin secretos) para pegarlos en un reporte de error</translation>
    </message>
    <message>
        <source>Version {version}</source>
        <translation>Versión {version}</translation>
    </message>
    <message>
        <source>Operator console for the InteliVision assistive-vision system</source>
        <translation>Consola del operador del sistema de visión asistiva InteliVision</translation>
    </message>
    <message>
        <source>Licence: {licence}</source>
        <translation>Licencia: {licence}</translation>
    </message>
    <message>
        <source>Components</source>
        <translation>Componentes</translation>
    </message>
    <message>
        <source>not installed</source>
        <translation>no instalado</translation>
    </message>
    <message>
        <source>Folders</source>
        <translation>Carpetas</translation>
    </message>
    <message>
        <source>Open folder</source>
        <translation>Abrir carpeta</translation>
    </message>
    <message>
        <source>Open {path} in the file manager</source>
        <translation>Abrir {path} en el administrador de archivos</translation>
    </message>
    <message>
        <source>Cannot create {path}: {reason}</source>
        <translation>No se puede crear {path}: {reason}</translation>
    </message>
    <message>
        <source>No file manager could open {path}</source>
        <translation>Ningún administrador de archivos pudo abrir {path}</translation>
    </message>
    <message>
        <source>Could not collect diagnostics: {error}</source>
        <translation>No se pudo reunir el diagnóstico: {error}</translation>
    </message>
    <message numerus="yes">
        <source>Diagnostics copied to the clipboard (%n line(s)). Secrets are removed.</source>
        <translation>
            <numerusform>Diagnóstico copiado al portapapeles (%n línea). Se quitaron los secretos.</numerusform>
            <numerusform>Diagnóstico copiado al portapapeles (%n líneas). Se quitaron los secretos.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>BedrockDialog</name>
    <message>
        <source>Agent (InvokeAgent)</source>
        <translation>Agente (InvokeAgent)</translation>
    </message>
    <message>
        <source>Model (ConverseStream)</source>
        <translation>Modelo (ConverseStream)</translation>
    </message>
    <message>
        <source>default credential chain</source>
        <translation>cadena de credenciales predeterminada</translation>
    </message>
    <message>
        <source>10 letters or digits</source>
        <translation>10 letras o dígitos</translation>
    </message>
    <message>
        <source>Show the agent&apos;s trace in the description details</source>
        <translation>Mostrar la traza del agente en el detalle de la descripción</translation>
    </message>
    <message>
        <source> s</source>
        <comment>seconds</comment>
        <translation> s</translation>
    </message>
    <message>
        <source>the region&apos;s endpoint (or http://127.0.0.1:PORT)</source>
        <translation>el endpoint de la región (o http://127.0.0.1:PUERTO)</translation>
    </message>
    <message>
        <source>Call</source>
        <translation>Llamada</translation>
    </message>
    <message>
        <source>Region</source>
        <translation>Región</translation>
    </message>
    <message>
        <source>Profile</source>
        <translation>Perfil</translation>
    </message>
    <message>
        <source>Agent id</source>
        <translation>ID del agente</translation>
    </message>
    <message>
        <source>Alias id</source>
        <translation>ID del alias</translation>
    </message>
    <message>
        <source>Model id</source>
        <translation>ID del modelo</translation>
    </message>
    <message>
        <source>Max tokens</source>
        <translation>Máx. de tokens</translation>
    </message>
    <message>
        <source>Read timeout</source>
        <translation>Tiempo de espera de lectura</translation>
    </message>
    <message>
        <source>Connect timeout</source>
        <translation>Tiempo de espera de conexión</translation>
    </message>
    <message>
        <source>Endpoint URL</source>
        <translation>URL del endpoint</translation>
    </message>
    <message>
        <source>Credentials come from the standard AWS chain (aws configure, aws sso login, environment); they are never stored by this app.</source>
        <translation>Las credenciales vienen de la cadena estándar de AWS (aws configure, aws sso login, variables de entorno); esta aplicación nunca las guarda.</translation>
    </message>
    <message>
        <source>{value} (from {variable})</source>
        <translation>{value} (de {variable})</translation>
    </message>
</context>
<context>
    <name>Channels</name>
    <message>
        <source>People</source>
        <translation>Personas</translation>
    </message>
    <message>
        <source>Objects</source>
        <translation>Objetos</translation>
    </message>
    <message>
        <source>Nearest person</source>
        <translation>Persona más cercana</translation>
    </message>
    <message>
        <source>Nearest person (m)</source>
        <translation>Persona más cercana (m)</translation>
    </message>
    <message>
        <source>Nearest object</source>
        <translation>Objeto más cercano</translation>
    </message>
    <message>
        <source>Nearest object (m)</source>
        <translation>Objeto más cercano (m)</translation>
    </message>
    <message>
        <source>Approaching objects</source>
        <translation>Objetos que se acercan</translation>
    </message>
    <message>
        <source>Moving objects</source>
        <translation>Objetos en movimiento</translation>
    </message>
    <message>
        <source>Smile score</source>
        <translation>Puntaje de sonrisa</translation>
    </message>
    <message>
        <source>Surprise score</source>
        <translation>Puntaje de sorpresa</translation>
    </message>
    <message>
        <source>Description latency</source>
        <translation>Latencia de la descripción</translation>
    </message>
    <message>
        <source>Description latency (ms)</source>
        <translation>Latencia de la descripción (ms)</translation>
    </message>
    <message>
        <source>Detections</source>
        <translation>Detecciones</translation>
    </message>
    <message>
        <source>Nearest distance (m)</source>
        <translation>Distancia más cercana (m)</translation>
    </message>
    <message>
        <source>Objects in motion</source>
        <translation>Objetos en movimiento</translation>
    </message>
    <message>
        <source>Expression scores</source>
        <translation>Puntajes de expresión</translation>
    </message>
    <message>
        <source>Latency (ms)</source>
        <translation>Latencia (ms)</translation>
    </message>
    <message>
        <source>Device channels</source>
        <translation>Canales del dispositivo</translation>
    </message>
</context>
<context>
    <name>ConnectionPanel</name>
    <message>
        <source>Auto (http → Socket.IO, ws → API Gateway)</source>
        <translation>Automático (http → Socket.IO, ws → API Gateway)</translation>
    </message>
    <message>
        <source>Socket.IO (Node backend)</source>
        <translation>Socket.IO (servidor Node)</translation>
    </message>
    <message>
        <source>API Gateway WebSocket</source>
        <translation>WebSocket de API Gateway</translation>
    </message>
    <message>
        <source>calls</source>
        <translation>llamadas</translation>
    </message>
    <message>
        <source>tokens in</source>
        <translation>tokens de entrada</translation>
    </message>
    <message>
        <source>tokens out</source>
        <translation>tokens de salida</translation>
    </message>
    <message>
        <source>failures</source>
        <translation>fallas</translation>
    </message>
    <message>
        <source>fallbacks</source>
        <translation>respaldos con reglas</translation>
    </message>
    <message>
        <source>stale</source>
        <translation>descartadas por viejas</translation>
    </message>
    <message>
        <source>not relevant</source>
        <translation>no relevantes</translation>
    </message>
    <message>
        <source>last latency ms</source>
        <translation>última latencia ms</translation>
    </message>
    <message>
        <source>{h} h {m} min</source>
        <translation>{h} h {m} min</translation>
    </message>
    <message>
        <source>{m} min {s} s</source>
        <translation>{m} min {s} s</translation>
    </message>
    <message>
        <source>{s} s</source>
        <translation>{s} s</translation>
    </message>
    <message>
        <source>http://localhost:3001  or  wss://ID.execute-api.REGION.amazonaws.com/dev</source>
        <translation>http://localhost:3001  o  wss://ID.execute-api.REGION.amazonaws.com/dev</translation>
    </message>
    <message>
        <source>optional</source>
        <translation>opcional</translation>
    </message>
    <message>
        <source>as ?token= query</source>
        <translation>como parámetro ?token=</translation>
    </message>
    <message>
        <source>as Bearer header</source>
        <translation>como encabezado Bearer</translation>
    </message>
    <message>
        <source>Verify the server&apos;s TLS certificate</source>
        <translation>Verificar el certificado TLS del servidor</translation>
    </message>
    <message>
        <source>⚠ TLS verification is off: anyone on the network path can read and alter this link.</source>
        <translation>⚠ La verificación TLS está desactivada: cualquiera en el camino de red puede leer y alterar esta conexión.</translation>
    </message>
    <message>
        <source>optional PEM file for a private CA</source>
        <translation>archivo PEM opcional de una CA privada</translation>
    </message>
    <message>
        <source>Choose a CA certificate file</source>
        <translation>Elegir un archivo de certificado de CA</translation>
    </message>
    <message>
        <source>Describe with the embedded rules while the backend is away</source>
        <translation>Describir con las reglas integradas mientras el servidor no responde</translation>
    </message>
    <message>
        <source>Connect</source>
        <translation>Conectar</translation>
    </message>
    <message>
        <source>Use embedded rules</source>
        <translation>Usar reglas integradas</translation>
    </message>
    <message>
        <source>Embedded Bedrock…</source>
        <translation>Bedrock integrado…</translation>
    </message>
    <message>
        <source>Describe with Amazon Bedrock from this computer (agent or model), with the rules as fallback; credentials come from the standard AWS chain</source>
        <translation>Describir con Amazon Bedrock desde esta computadora (agente o modelo), con las reglas como respaldo; las credenciales vienen de la cadena estándar de AWS</translation>
    </message>
    <message>
        <source>analyzer: embedded rules</source>
        <translation>analizador: reglas integradas</translation>
    </message>
    <message>
        <source>Backend URL</source>
        <translation>URL del servidor</translation>
    </message>
    <message>
        <source>Protocol</source>
        <translation>Protocolo</translation>
    </message>
    <message>
        <source>Token</source>
        <translation>Token</translation>
    </message>
    <message>
        <source>CA file</source>
        <translation>Archivo de CA</translation>
    </message>
    <message>
        <source>CA certificate</source>
        <translation>Certificado de CA</translation>
    </message>
    <message>
        <source>PEM (*.pem *.crt);;All files (*)</source>
        <translation>PEM (*.pem *.crt);;Todos los archivos (*)</translation>
    </message>
    <message>
        <source>Enter the backend&apos;s URL.</source>
        <translation>Escriba la URL del servidor.</translation>
    </message>
    <message>
        <source>CA file not found: {path}</source>
        <translation>No se encontró el archivo de CA: {path}</translation>
    </message>
    <message>
        <source>{name}: {value}</source>
        <translation>{name}: {value}</translation>
    </message>
    <message>
        <source>Offline rules (PROTOCOL §4): no backend in use.</source>
        <translation>Reglas sin conexión (PROTOCOL §4): no se usa ningún servidor.</translation>
    </message>
    <message>
        <source>sent {sent} · received {received} · descriptions {descriptions}</source>
        <translation>enviados {sent} · recibidos {received} · descripciones {descriptions}</translation>
    </message>
    <message>
        <source>connections {n}</source>
        <translation>conexiones {n}</translation>
    </message>
    <message>
        <source>held while connecting {held} · described by the failover rules {failover}</source>
        <translation>retenidos al conectar {held} · descritos por las reglas de respaldo {failover}</translation>
    </message>
    <message>
        <source>round trip {ms} ms</source>
        <translation>ida y vuelta {ms} ms</translation>
    </message>
    <message>
        <source>server {status}, {clients} clients, up {uptime}</source>
        <translation>servidor {status}, {clients} clientes, activo hace {uptime}</translation>
    </message>
    <message>
        <source>server {status}, {clients} clients</source>
        <translation>servidor {status}, {clients} clientes</translation>
    </message>
    <message>
        <source>problems: {list}</source>
        <translation>problemas: {list}</translation>
    </message>
    <message>
        <source>last error: {error}</source>
        <translation>último error: {error}</translation>
    </message>
    <message>
        <source>updated {time}</source>
        <translation>actualizado {time}</translation>
    </message>
</context>
<context>
    <name>DescriptionModel</name>
    <message>
        <source>Time</source>
        <translation>Hora</translation>
    </message>
    <message>
        <source>Description</source>
        <translation>Descripción</translation>
    </message>
    <message>
        <source>Repeats</source>
        <translation>Repeticiones</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>Origen</translation>
    </message>
    <message>
        <source>Latency</source>
        <translation>Latencia</translation>
    </message>
    <message>
        <source>Device</source>
        <translation>Dispositivo</translation>
    </message>
    <message>
        <source>×{count}, last {time}</source>
        <translation>×{count}, última {time}</translation>
    </message>
    <message>
        <source>Said {count} times, from {first} to {last}.</source>
        <translation>Dicha {count} veces, de {first} a {last}.</translation>
    </message>
</context>
<context>
    <name>ExportDialog</name>
    <message>
        <source>Channels</source>
        <translation>Canales</translation>
    </message>
    <message>
        <source>Descriptions</source>
        <translation>Descripciones</translation>
    </message>
    <message>
        <source>Plots</source>
        <translation>Gráficas</translation>
    </message>
    <message>
        <source>{w} × {h} px</source>
        <translation>{w} × {h} px</translation>
    </message>
    <message numerus="yes">
        <source>%n row(s)</source>
        <translation>
            <numerusform>%n fila</numerusform>
            <numerusform>%n filas</numerusform>
        </translation>
    </message>
    <message>
        <source>could not render the plots to PNG</source>
        <translation>no se pudieron convertir las gráficas a PNG</translation>
    </message>
    <message>
        <source>choose something to export</source>
        <translation>elija algo para exportar</translation>
    </message>
    <message>
        <source>there are no plots to save as PNG</source>
        <translation>no hay gráficas para guardar como PNG</translation>
    </message>
    <message>
        <source>{path} already exists (choose another name)</source>
        <translation>{path} ya existe (elija otro nombre)</translation>
    </message>
    <message>
        <source>{start} – {end}, {seconds} s</source>
        <translation>{start} – {end}, {seconds} s</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>Exportar</translation>
    </message>
    <message>
        <source>Channels (CSV: time, elapsed seconds, a column each)</source>
        <translation>Canales (CSV: hora, segundos transcurridos, una columna cada uno)</translation>
    </message>
    <message>
        <source>Descriptions (CSV)</source>
        <translation>Descripciones (CSV)</translation>
    </message>
    <message>
        <source>Plots as shown (PNG)</source>
        <translation>Gráficas tal como se ven (PNG)</translation>
    </message>
    <message>
        <source>Range</source>
        <translation>Rango</translation>
    </message>
    <message>
        <source>Visible range</source>
        <translation>Rango visible</translation>
    </message>
    <message>
        <source>Everything in memory</source>
        <translation>Todo lo que hay en memoria</translation>
    </message>
    <message>
        <source>Device:</source>
        <translation>Dispositivo:</translation>
    </message>
    <message>
        <source>Choose…</source>
        <translation>Elegir…</translation>
    </message>
    <message>
        <source>Files: NAME.csv, NAME.descriptions.csv, NAME.png</source>
        <translation>Archivos: NOMBRE.csv, NOMBRE.descriptions.csv, NOMBRE.png</translation>
    </message>
    <message>
        <source>Folder:</source>
        <translation>Carpeta:</translation>
    </message>
    <message>
        <source>Name:</source>
        <translation>Nombre:</translation>
    </message>
    <message>
        <source>Open folder</source>
        <translation>Abrir carpeta</translation>
    </message>
    <message>
        <source>Visible range (nothing plotted)</source>
        <translation>Rango visible (no hay nada graficado)</translation>
    </message>
    <message>
        <source>Visible range ({span}; {rows})</source>
        <translation>Rango visible ({span}; {rows})</translation>
    </message>
    <message>
        <source>Everything in memory ({span}; {rows})</source>
        <translation>Todo lo que hay en memoria ({span}; {rows})</translation>
    </message>
    <message>
        <source>Everything in memory (no rows yet)</source>
        <translation>Todo lo que hay en memoria (todavía no hay filas)</translation>
    </message>
    <message>
        <source>Exporting…</source>
        <translation>Exportando…</translation>
    </message>
    <message>
        <source>Exporting… {done} of {total} rows</source>
        <translation>Exportando… {done} de {total} filas</translation>
    </message>
    <message>
        <source>Export cancelled.</source>
        <translation>Exportación cancelada.</translation>
    </message>
    <message>
        <source>{kind}: {path}  ({detail})</source>
        <translation>{kind}: {path}  ({detail})</translation>
    </message>
    <message numerus="yes">
        <source>Exported %n file(s) in {seconds} s.</source>
        <translation>
            <numerusform>Se exportó %n archivo en {seconds} s.</numerusform>
            <numerusform>Se exportaron %n archivos en {seconds} s.</numerusform>
        </translation>
    </message>
    <message>
        <source>Export failed: {reason}</source>
        <translation>Falló la exportación: {reason}</translation>
    </message>
    <message>
        <source>Export to</source>
        <translation>Exportar a</translation>
    </message>
</context>
<context>
    <name>LinkState</name>
    <message>
        <source>idle</source>
        <translation>inactivo</translation>
    </message>
    <message>
        <source>connecting</source>
        <translation>conectando</translation>
    </message>
    <message>
        <source>live</source>
        <translation>en vivo</translation>
    </message>
    <message>
        <source>retrying</source>
        <translation>reintentando</translation>
    </message>
    <message>
        <source>stopped</source>
        <translation>detenido</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>falló</translation>
    </message>
    <message>
        <source>finished</source>
        <translation>terminado</translation>
    </message>
</context>
<context>
    <name>PlotPanel</name>
    <message>
        <source>10 s</source>
        <translation>10 s</translation>
    </message>
    <message>
        <source>30 s</source>
        <translation>30 s</translation>
    </message>
    <message>
        <source>2 min</source>
        <translation>2 min</translation>
    </message>
    <message>
        <source>10 min</source>
        <translation>10 min</translation>
    </message>
    <message>
        <source>All history</source>
        <translation>Todo el historial</translation>
    </message>
    <message>
        <source>Device: {name}</source>
        <translation>Dispositivo: {name}</translation>
    </message>
    <message>
        <source>No device yet</source>
        <translation>Todavía no hay dispositivo</translation>
    </message>
    <message>
        <source>{label} (channel “{name}”, in the plot “{plot}”)</source>
        <translation>{label} (canal “{name}”, en la gráfica “{plot}”)</translation>
    </message>
    <message>
        <source>Plot {number}</source>
        <translation>Gráfica {number}</translation>
    </message>
</context>
<context>
    <name>RecordingsBrowser</name>
    <message>
        <source>&amp;Open</source>
        <translation>&amp;Abrir</translation>
    </message>
    <message>
        <source>Replay the selected recording (Enter)</source>
        <translation>Reproducir la grabación seleccionada (Enter)</translation>
    </message>
    <message>
        <source>&amp;Refresh</source>
        <translation>A&amp;ctualizar</translation>
    </message>
    <message>
        <source>&amp;Folder…</source>
        <translation>&amp;Carpeta…</translation>
    </message>
    <message>
        <source>Browse recordings in another folder</source>
        <translation>Ver las grabaciones de otra carpeta</translation>
    </message>
    <message>
        <source>Cannot list {folder}: {reason}</source>
        <translation>No se puede listar {folder}: {reason}</translation>
    </message>
    <message>
        <source>No recordings yet (they will be saved in {folder}). Record with Ctrl+R.</source>
        <translation>Todavía no hay grabaciones (se guardarán en {folder}). Grabe con Ctrl+R.</translation>
    </message>
    <message>
        <source>No recordings in {folder}. Record with Ctrl+R.</source>
        <translation>No hay grabaciones en {folder}. Grabe con Ctrl+R.</translation>
    </message>
    <message numerus="yes">
        <source>%n recording(s) in {folder} — reading…</source>
        <translation>
            <numerusform>%n grabación en {folder} — leyendo…</numerusform>
            <numerusform>%n grabaciones en {folder} — leyendo…</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n recording(s) in {folder}</source>
        <translation>
            <numerusform>%n grabación en {folder}</numerusform>
            <numerusform>%n grabaciones en {folder}</numerusform>
        </translation>
    </message>
    <message>
        <source>Recordings folder</source>
        <translation>Carpeta de grabaciones</translation>
    </message>
</context>
<context>
    <name>RecordingsModel</name>
    <message>
        <source>Recording</source>
        <translation>Grabación</translation>
    </message>
    <message>
        <source>Recorded</source>
        <translation>Grabada</translation>
    </message>
    <message>
        <source>Duration</source>
        <translation>Duración</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>Tamaño</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>Fuente</translation>
    </message>
    <message>
        <source>Descriptions</source>
        <translation>Descripciones</translation>
    </message>
    <message>
        <source>B</source>
        <translation>B</translation>
    </message>
    <message>
        <source>kB</source>
        <translation>kB</translation>
    </message>
    <message>
        <source>MB</source>
        <translation>MB</translation>
    </message>
    <message>
        <source>GB</source>
        <translation>GB</translation>
    </message>
    <message>
        <source>frames file</source>
        <translation>archivo de cuadros</translation>
    </message>
    <message numerus="yes">
        <source>%n frame(s)</source>
        <translation>
            <numerusform>%n cuadro</numerusform>
            <numerusform>%n cuadros</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n description(s)</source>
        <translation>
            <numerusform>%n descripción</numerusform>
            <numerusform>%n descripciones</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n sample block(s)</source>
        <translation>
            <numerusform>%n bloque de muestras</numerusform>
            <numerusform>%n bloques de muestras</numerusform>
        </translation>
    </message>
    <message>
        <source>analyzer: {analyzer}</source>
        <translation>analizador: {analyzer}</translation>
    </message>
    <message>
        <source>cannot be replayed: {reason}</source>
        <translation>no se puede reproducir: {reason}</translation>
    </message>
</context>
<context>
    <name>ReplayBar</name>
    <message>
        <source>Pause</source>
        <translation>Pausar</translation>
    </message>
    <message>
        <source>Play or pause the replay (Space)</source>
        <translation>Reproducir o pausar la reproducción (Espacio)</translation>
    </message>
    <message>
        <source>Next frame</source>
        <translation>Cuadro siguiente</translation>
    </message>
    <message>
        <source>Pause and show the next frame (.)</source>
        <translation>Pausar y mostrar el cuadro siguiente (.)</translation>
    </message>
    <message>
        <source>Back 5 s</source>
        <translation>Atrás 5 s</translation>
    </message>
    <message>
        <source>Forward 5 s</source>
        <translation>Adelante 5 s</translation>
    </message>
    <message>
        <source>Drag or click to seek; Ctrl+Left / Ctrl+Right jump 5 s</source>
        <translation>Arrastre o haga clic para ir a otro momento; Ctrl+Izquierda / Ctrl+Derecha saltan 5 s</translation>
    </message>
    <message>
        <source>Replay speed</source>
        <translation>Velocidad de reproducción</translation>
    </message>
    <message>
        <source>Loop</source>
        <translation>Repetir</translation>
    </message>
    <message>
        <source>Start again from the beginning at the end</source>
        <translation>Volver a empezar desde el principio al llegar al final</translation>
    </message>
    <message>
        <source>Speed:</source>
        <translation>Velocidad:</translation>
    </message>
    <message>
        <source>max</source>
        <translation>máx.</translation>
    </message>
    <message>
        <source>Play</source>
        <translation>Reproducir</translation>
    </message>
    <message>
        <source>no replay</source>
        <translation>sin reproducción</translation>
    </message>
    <message>
        <source>live</source>
        <translation>en vivo</translation>
    </message>
    <message>
        <source>This source has no timeline to seek in</source>
        <translation>Esta fuente no tiene una línea de tiempo para recorrer</translation>
    </message>
    <message>
        <source>end of the replay</source>
        <translation>fin de la reproducción</translation>
    </message>
    <message>
        <source>recorded at {time} — end of the replay</source>
        <translation>grabado el {time} — fin de la reproducción</translation>
    </message>
    <message>
        <source>recorded at {time}</source>
        <translation>grabado el {time}</translation>
    </message>
</context>
<context>
    <name>SerialPanel</name>
    <message>
        <source>None</source>
        <translation>Ninguno</translation>
    </message>
    <message>
        <source>Auto</source>
        <translation>Automático</translation>
    </message>
    <message>
        <source>Arduino plotter</source>
        <translation>Serial Plotter de Arduino</translation>
    </message>
    <message>
        <source>CSV with header</source>
        <translation>CSV con encabezado</translation>
    </message>
    <message>
        <source>/dev/ttyACM0, COM3 or socket://host:port</source>
        <translation>/dev/ttyACM0, COM3 o socket://host:puerto</translation>
    </message>
    <message>
        <source>Ports found now (description and USB VID:PID); or type one</source>
        <translation>Puertos encontrados ahora (descripción y VID:PID de USB); o escriba uno</translation>
    </message>
    <message>
        <source>Scan for ports now</source>
        <translation>Buscar puertos ahora</translation>
    </message>
    <message>
        <source>Assert on opening. Many boards reset when DTR goes high; leave it off to connect without a reset.</source>
        <translation>Activar al abrir. Muchas placas se reinician cuando DTR sube; déjelo desactivado para conectar sin reiniciar.</translation>
    </message>
    <message>
        <source>Connect</source>
        <translation>Conectar</translation>
    </message>
    <message>
        <source>a line to send to the device</source>
        <translation>una línea para enviar al dispositivo</translation>
    </message>
    <message>
        <source>Send</source>
        <translation>Enviar</translation>
    </message>
    <message>
        <source>Limits: {channels} channels per device, lines up to {kb} KB (longer ones are cut and counted).</source>
        <translation>Límites: {channels} canales por dispositivo, líneas de hasta {kb} KB (las más largas se cortan y se cuentan).</translation>
    </message>
    <message>
        <source>Port</source>
        <translation>Puerto</translation>
    </message>
    <message>
        <source>Baud</source>
        <translation>Baudios</translation>
    </message>
    <message>
        <source>Format</source>
        <translation>Formato</translation>
    </message>
    <message>
        <source>Line end</source>
        <translation>Fin de línea</translation>
    </message>
    <message>
        <source>Lines</source>
        <translation>Líneas</translation>
    </message>
    <message>
        <source>Cannot list ports: {reason}</source>
        <translation>No se pueden listar los puertos: {reason}</translation>
    </message>
    <message numerus="yes">
        <source>New port(s): {ports}</source>
        <translation>
            <numerusform>Puerto nuevo: {ports}</numerusform>
            <numerusform>Puertos nuevos: {ports}</numerusform>
        </translation>
    </message>
    <message>
        <source>choose or type a port</source>
        <translation>elija o escriba un puerto</translation>
    </message>
    <message>
        <source>baud must be a whole number such as 115200</source>
        <translation>los baudios deben ser un número entero, como 115200</translation>
    </message>
    <message>
        <source>Opening {url}</source>
        <translation>Abriendo {url}</translation>
    </message>
    <message numerus="yes">
        <source>%n row(s)</source>
        <translation>
            <numerusform>%n fila</numerusform>
            <numerusform>%n filas</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n frame(s)</source>
        <translation>
            <numerusform>%n cuadro</numerusform>
            <numerusform>%n cuadros</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n bad line(s)</source>
        <translation>
            <numerusform>%n línea inválida</numerusform>
            <numerusform>%n líneas inválidas</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n bad field(s)</source>
        <translation>
            <numerusform>%n campo inválido</numerusform>
            <numerusform>%n campos inválidos</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n value(s) over the {cap}-channel cap</source>
        <translation>
            <numerusform>%n valor por encima del tope de {cap} canales</numerusform>
            <numerusform>%n valores por encima del tope de {cap} canales</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n over-long line(s) cut</source>
        <translation>
            <numerusform>%n línea demasiado larga cortada</numerusform>
            <numerusform>%n líneas demasiado largas cortadas</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n reconnect(s)</source>
        <translation>
            <numerusform>%n reconexión</numerusform>
            <numerusform>%n reconexiones</numerusform>
        </translation>
    </message>
    <message>
        <source>{state}: {counts}</source>
        <translation>{state}: {counts}</translation>
    </message>
    <message>
        <source>send one line at a time</source>
        <translation>envíe una línea a la vez</translation>
    </message>
</context>
<context>
    <name>TimelineView</name>
    <message numerus="yes">
        <source>%n new ↓</source>
        <translation>
            <numerusform>%n nueva ↓</numerusform>
            <numerusform>%n nuevas ↓</numerusform>
        </translation>
    </message>
    <message>
        <source>Live ↓</source>
        <translation>En vivo ↓</translation>
    </message>
    <message>
        <source>New rows since the view last showed the newest: {rows}. Repeats added to earlier rows: {repeats}. Click, or press F or End, to go to the newest description and follow live.</source>
        <translation>Filas nuevas desde que la vista mostró la más reciente: {rows}. Repeticiones sumadas a filas anteriores: {repeats}. Haga clic, o presione F o Fin, para ir a la descripción más reciente y seguir en vivo.</translation>
    </message>
    <message>
        <source>Said {count} times, from {first} to {last}:</source>
        <translation>Dicha {count} veces, de {first} a {last}:</translation>
    </message>
</context>
<context>
    <name>gui</name>
    <message>
        <source>Demo — all scenes</source>
        <translation>Demo — todas las escenas</translation>
    </message>
    <message>
        <source>Demo — {scene}</source>
        <translation>Demo — {scene}</translation>
    </message>
</context>
<context>
    <name>self.model</name>
    <message>
        <source>×{count}, last {time}</source>
        <translation>×{count}, última {time}</translation>
    </message>
</context>
</TS>
