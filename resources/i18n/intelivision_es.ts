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
    <name>AlertsPanel</name>
    <message>
        <source>Time</source>
        <translation>Hora</translation>
    </message>
    <message>
        <source>Device</source>
        <translation>Dispositivo</translation>
    </message>
    <message>
        <source>Alert</source>
        <translation>Alerta</translation>
    </message>
    <message>
        <source>Acknowledge</source>
        <translation>Confirmar</translation>
    </message>
    <message>
        <source>Acknowledge all</source>
        <translation>Confirmar todas</translation>
    </message>
    <message>
        <source>InteliVision alert</source>
        <translation>Alerta de InteliVision</translation>
    </message>
    <message>
        <source>Danger near {device}: {object} approaching at {distance}</source>
        <translation>Peligro cerca de {device}: {object} a {distance} y acercándose</translation>
    </message>
    <message>
        <source>Danger near {device}: {object} crossing in front ({distance})</source>
        <translation>Peligro cerca de {device}: {object} cruzando al frente ({distance})</translation>
    </message>
    <message>
        <source>{device} has sent nothing for {seconds} s (limit {limit} s)</source>
        <translation>{device} no envía nada desde hace {seconds} s (límite {limit} s)</translation>
    </message>
    <message>
        <source>The camera of {device} is off</source>
        <translation>La cámara de {device} está apagada</translation>
    </message>
    <message>
        <source>Descriptions for {device} are slow: {seconds} s (limit {limit} s)</source>
        <translation>Las descripciones de {device} tardan {seconds} s (límite {limit} s)</translation>
    </message>
    <message>
        <source>{percent}% of the descriptions for {device} came from the fallback rules ({fallbacks} of {descriptions} in {minutes} min)</source>
        <translation>{percent} % de las descripciones de {device} vinieron de las reglas de respaldo ({fallbacks} de {descriptions} en {minutes} min)</translation>
    </message>
    <message>
        <source>AI service errors ({problem}): {error}</source>
        <translation>Errores del servicio de IA ({problem}): {error}</translation>
    </message>
    <message>
        <source>AI service errors ({problem})</source>
        <translation>Errores del servicio de IA ({problem})</translation>
    </message>
    <message numerus="yes">
        <source>%n unacknowledged</source>
        <translation>
            <numerusform>%n sin confirmar</numerusform>
            <numerusform>%n sin confirmar</numerusform>
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
    <name>ChannelList</name>
    <message>
        <source>Channels</source>
        <translation>Canales</translation>
    </message>
    <message>
        <source>Move the selected channels to this plot</source>
        <translation>Mover los canales seleccionados a esta gráfica</translation>
    </message>
    <message>
        <source>Move</source>
        <translation>Mover</translation>
    </message>
    <message>
        <source>To:</source>
        <translation>A:</translation>
    </message>
    <message>
        <source>Y axis: auto</source>
        <translation>Eje Y: automático</translation>
    </message>
    <message>
        <source>Y axis: fixed</source>
        <translation>Eje Y: fijo</translation>
    </message>
    <message>
        <source>Low end of the fixed Y axis</source>
        <translation>Extremo inferior del eje Y fijo</translation>
    </message>
    <message>
        <source>High end of the fixed Y axis</source>
        <translation>Extremo superior del eje Y fijo</translation>
    </message>
    <message>
        <source>Y axis of the selected plot: fit the data, or fixed</source>
        <translation>Eje Y de la gráfica seleccionada: ajustado a los datos, o fijo</translation>
    </message>
    <message>
        <source>to</source>
        <translation>a</translation>
    </message>
    <message>
        <source>New plot</source>
        <translation>Gráfica nueva</translation>
    </message>
    <message>
        <source>Move to plot</source>
        <translation>Mover a la gráfica</translation>
    </message>
    <message>
        <source>Y axis auto</source>
        <translation>Eje Y automático</translation>
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
        <source>Offline rules: no backend in use.</source>
        <translation>Reglas integradas: no se usa ningún servidor.</translation>
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
        <source>×{count}</source>
        <translation>×{count}</translation>
    </message>
    <message>
        <source>Said {count} times, from {first} to {last}.</source>
        <translation>Dicha {count} veces, de {first} a {last}.</translation>
    </message>
    <message>
        <source>The AI could not answer; the offline rules described this window.</source>
        <translation>La IA no pudo responder; las reglas integradas describieron esta ventana.</translation>
    </message>
</context>
<context>
    <name>DevicesPanel</name>
    <message>
        <source>Device</source>
        <translation>Dispositivo</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>Dirección</translation>
    </message>
    <message>
        <source>User agent</source>
        <translation>Agente de usuario</translation>
    </message>
    <message>
        <source>Since</source>
        <translation>Desde</translation>
    </message>
    <message>
        <source>Frames/s</source>
        <translation>Cuadros/s</translation>
    </message>
    <message>
        <source>Frames</source>
        <translation>Cuadros</translation>
    </message>
    <message>
        <source>Last description</source>
        <translation>Última descripción</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Estado</translation>
    </message>
    <message>
        <source>Not accepting devices.</source>
        <translation>No se aceptan dispositivos.</translation>
    </message>
    <message>
        <source>Scan with the phone to connect it (Socket.IO URL, token included)</source>
        <translation>Escanee con el teléfono para conectarlo (URL de Socket.IO, con el token incluido)</translation>
    </message>
    <message>
        <source>Not accepting devices. Use “Accept devices” in the toolbar.</source>
        <translation>No se aceptan dispositivos. Use “Aceptar dispositivos” en la barra de herramientas.</translation>
    </message>
    <message>
        <source>Devices must present this token.</source>
        <translation>Los dispositivos deben presentar este token.</translation>
    </message>
    <message>
        <source>Loopback only: devices on this computer.</source>
        <translation>Solo local: dispositivos en esta computadora.</translation>
    </message>
    <message>
        <source>&lt;b&gt;Socket.IO&lt;/b&gt;: {socketio}&lt;br&gt;&lt;b&gt;API Gateway style&lt;/b&gt;: {apigw}&lt;br&gt;{note}</source>
        <translation>&lt;b&gt;Socket.IO&lt;/b&gt;: {socketio}&lt;br&gt;&lt;b&gt;Estilo API Gateway&lt;/b&gt;: {apigw}&lt;br&gt;{note}</translation>
    </message>
    <message>
        <source>connected</source>
        <translation>conectado</translation>
    </message>
    <message>
        <source>disconnected</source>
        <translation>desconectado</translation>
    </message>
    <message>
        <source>{state} · {dropped} dropped, {malformed} malformed</source>
        <translation>{state} · {dropped} descartados, {malformed} inválidos</translation>
    </message>
    <message>
        <source>{live} connected, {gone} gone, {refused} refused</source>
        <translation>{live} conectados, {gone} desconectados, {refused} rechazados</translation>
    </message>
    <message>
        <source>{summary} · plots follow {device}</source>
        <translation>{summary} · las gráficas siguen a {device}</translation>
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
    <name>FleetPanel</name>
    <message>
        <source>Device</source>
        <translation>Dispositivo</translation>
    </message>
    <message>
        <source>Connected since</source>
        <translation>Conectado desde</translation>
    </message>
    <message>
        <source>Last seen</source>
        <translation>Visto por última vez</translation>
    </message>
    <message>
        <source>Frames/s</source>
        <translation>Cuadros/s</translation>
    </message>
    <message>
        <source>Fallback</source>
        <translation>Respaldo</translation>
    </message>
    <message>
        <source>Last description</source>
        <translation>Última descripción</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Estado</translation>
    </message>
    <message>
        <source>connected</source>
        <translation>conectado</translation>
    </message>
    <message>
        <source>silent</source>
        <translation>en silencio</translation>
    </message>
    <message>
        <source>gone</source>
        <translation>se fue</translation>
    </message>
    <message>
        <source>Not watching a deployment.</source>
        <translation>No está observando ningún despliegue.</translation>
    </message>
    <message>
        <source>The channel compared across devices</source>
        <translation>El canal que se compara entre dispositivos</translation>
    </message>
    <message>
        <source>{live} connected, {silent} silent, {gone} gone · {observers}</source>
        <translation>{live} conectados, {silent} en silencio, {gone} se fueron · {observers}</translation>
    </message>
    <message numerus="yes">
        <source>%n observer(s)</source>
        <translation>
            <numerusform>%n observador</numerusform>
            <numerusform>%n observadores</numerusform>
        </translation>
    </message>
    <message>
        <source>{summary} · {bad} bad events</source>
        <translation>{summary} · {bad} eventos inválidos</translation>
    </message>
    <message>
        <source>{summary} · plots follow {device}</source>
        <translation>{summary} · las gráficas siguen a {device}</translation>
    </message>
</context>
<context>
    <name>GraphicsScene</name>
    <message>
        <source>Export...</source>
        <translation>Exportar…</translation>
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
    <name>MainWindow</name>
    <message>
        <source>Settings: {problems}</source>
        <translation>Configuración: {problems}</translation>
    </message>
    <message>
        <source>The language changes the next time the app starts.</source>
        <translation>El idioma cambia la próxima vez que se abra la aplicación.</translation>
    </message>
    <message>
        <source>The pairing token cannot be kept ({reason}): devices must pair again next time.</source>
        <translation>No se puede guardar el token de emparejamiento ({reason}): los dispositivos deberán emparejarse de nuevo la próxima vez.</translation>
    </message>
    <message>
        <source>No pairing token is kept in this run.</source>
        <translation>En esta ejecución no se guarda ningún token de emparejamiento.</translation>
    </message>
    <message>
        <source>Cannot make a new pairing token: {reason}</source>
        <translation>No se puede crear un nuevo token de emparejamiento: {reason}</translation>
    </message>
    <message>
        <source>New pairing token made: pair each device again.</source>
        <translation>Se creó un nuevo token de emparejamiento: empareje de nuevo cada dispositivo.</translation>
    </message>
    <message>
        <source>Diagnostics copied to the clipboard ({n} lines, secrets removed).</source>
        <translation>Diagnóstico copiado al portapapeles ({n} líneas, sin secretos).</translation>
    </message>
    <message>
        <source>Cannot open {source}: {reason}</source>
        <translation>No se puede abrir {source}: {reason}</translation>
    </message>
    <message>
        <source>The current source is not a serial device.</source>
        <translation>La fuente actual no es un dispositivo serie.</translation>
    </message>
    <message>
        <source>Cannot record: {reason}</source>
        <translation>No se puede grabar: {reason}</translation>
    </message>
    <message>
        <source>InteliVision Desktop</source>
        <translation>InteliVision Desktop</translation>
    </message>
    <message>
        <source>Backend</source>
        <translation>Servidor</translation>
    </message>
    <message>
        <source>Devices</source>
        <translation>Dispositivos</translation>
    </message>
    <message>
        <source>Fleet</source>
        <translation>Flota</translation>
    </message>
    <message>
        <source>Serial device</source>
        <translation>Dispositivo serie</translation>
    </message>
    <message>
        <source>Serial monitor</source>
        <translation>Monitor serie</translation>
    </message>
    <message>
        <source>Recordings</source>
        <translation>Grabaciones</translation>
    </message>
    <message>
        <source>Alerts</source>
        <translation>Alertas</translation>
    </message>
    <message>
        <source>Replay</source>
        <translation>Reproducción</translation>
    </message>
    <message>
        <source>Main</source>
        <translation>Principal</translation>
    </message>
    <message>
        <source> Source: </source>
        <translation> Fuente: </translation>
    </message>
    <message>
        <source>Open recording or frames file…</source>
        <translation>Abrir una grabación o un archivo de cuadros…</translation>
    </message>
    <message>
        <source>● Record</source>
        <translation>● Grabar</translation>
    </message>
    <message>
        <source>Record this session to a file (Ctrl+R)</source>
        <translation>Grabar esta sesión en un archivo (Ctrl+R)</translation>
    </message>
    <message>
        <source>Follow live</source>
        <translation>Seguir en vivo</translation>
    </message>
    <message>
        <source>Keep the newest data in view (F); pan or select to pause</source>
        <translation>Mantener a la vista los datos más recientes (F); desplace o seleccione para pausar</translation>
    </message>
    <message>
        <source>  History: </source>
        <translation>  Historial: </translation>
    </message>
    <message>
        <source>Accept devices</source>
        <translation>Aceptar dispositivos</translation>
    </message>
    <message>
        <source>Be the backend: camera devices on this computer connect to http://127.0.0.1:{port} (Socket.IO) or ws://127.0.0.1:{port}/dev</source>
        <translation>Hacer de servidor: los dispositivos con cámara de esta computadora se conectan a http://127.0.0.1:{port} (Socket.IO) o ws://127.0.0.1:{port}/dev</translation>
    </message>
    <message>
        <source>Recordings…</source>
        <translation>Grabaciones…</translation>
    </message>
    <message>
        <source>Recordings in the data folder, newest first; open one to replay</source>
        <translation>Grabaciones de la carpeta de datos, las más recientes primero; abra una para reproducirla</translation>
    </message>
    <message>
        <source>Serial…</source>
        <translation>Serie…</translation>
    </message>
    <message>
        <source>Read a sensor board on a serial port</source>
        <translation>Leer una placa de sensores en un puerto serie</translation>
    </message>
    <message>
        <source>Backend…</source>
        <translation>Servidor…</translation>
    </message>
    <message>
        <source>Connect to a deployed backend, or use the embedded rules (Ctrl+B)</source>
        <translation>Conectarse a un servidor desplegado o usar las reglas integradas (Ctrl+B)</translation>
    </message>
    <message>
        <source>Speak</source>
        <translation>Hablar</translation>
    </message>
    <message>
        <source>, voice {voice}</source>
        <translation>, voz {voice}</translation>
    </message>
    <message>
        <source>Speak new descriptions aloud (Ctrl+T): {engine}{voice}{note}</source>
        <translation>Leer en voz alta las descripciones nuevas (Ctrl+T): {engine}{voice}{note}</translation>
    </message>
    <message>
        <source>Text-to-speech is not available: {reason}</source>
        <translation>La lectura en voz alta no está disponible: {reason}</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Archivo</translation>
    </message>
    <message>
        <source>&amp;Open recording…</source>
        <translation>&amp;Abrir grabación…</translation>
    </message>
    <message>
        <source>&amp;Export…</source>
        <translation>&amp;Exportar…</translation>
    </message>
    <message>
        <source>New &amp;pairing token…</source>
        <translation>Nuevo token de &amp;emparejamiento…</translation>
    </message>
    <message>
        <source>Replace the token devices present when they connect (they must pair again)</source>
        <translation>Reemplazar el token que presentan los dispositivos al conectarse (deberán emparejarse de nuevo)</translation>
    </message>
    <message>
        <source>&amp;Watch deployment…</source>
        <translation>&amp;Observar despliegue…</translation>
    </message>
    <message>
        <source>Watch every device of a deployed backend as an observer (fleet console)</source>
        <translation>Observar todos los dispositivos de un servidor desplegado como observador (consola de flota)</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Salir</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;Ver</translation>
    </message>
    <message>
        <source>&amp;Name this device…</source>
        <translation>&amp;Nombrar este dispositivo…</translation>
    </message>
    <message>
        <source>Give the device on the plots a name of your own</source>
        <translation>Dar un nombre propio al dispositivo de las gráficas</translation>
    </message>
    <message>
        <source>&amp;Reset layout</source>
        <translation>&amp;Restablecer la disposición</translation>
    </message>
    <message>
        <source>Put the window and its panels back as they were at first start</source>
        <translation>Dejar la ventana y sus paneles como estaban en el primer inicio</translation>
    </message>
    <message>
        <source>Alert &amp;sound and notifications</source>
        <translation>&amp;Sonido y notificaciones de alertas</translation>
    </message>
    <message>
        <source>Beep on each new alert, and show it as a desktop notification</source>
        <translation>Emitir un pitido con cada alerta nueva y mostrarla como notificación del escritorio</translation>
    </message>
    <message>
        <source>&amp;Playback</source>
        <translation>&amp;Reproducción</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>Ay&amp;uda</translation>
    </message>
    <message>
        <source>Copy &amp;diagnostics</source>
        <translation>Copiar &amp;diagnóstico</translation>
    </message>
    <message>
        <source>Copy versions, the session&apos;s state and the log&apos;s end, secrets removed, for a bug report</source>
        <translation>Copiar las versiones, el estado de la sesión y el final del registro, sin secretos, para informar un error</translation>
    </message>
    <message>
        <source>&amp;About InteliVision Desktop</source>
        <translation>&amp;Acerca de InteliVision Desktop</translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation>&amp;Idioma</translation>
    </message>
    <message>
        <source>System language</source>
        <translation>Idioma del sistema</translation>
    </message>
    <message>
        <source>{rate} frames/s</source>
        <translation>{rate} cuadros/s</translation>
    </message>
    <message>
        <source>{n} descriptions/min</source>
        <translation>{n} descripciones/min</translation>
    </message>
    <message>
        <source>{n} not relevant</source>
        <translation>{n} no relevantes</translation>
    </message>
    <message>
        <source>{n} malformed</source>
        <translation>{n} inválidos</translation>
    </message>
    <message>
        <source>No problems</source>
        <translation>Sin problemas</translation>
    </message>
    <message>
        <source>Problems seen in this session, newest first</source>
        <translation>Problemas vistos en esta sesión, los más recientes primero</translation>
    </message>
    <message>
        <source>Details…</source>
        <translation>Detalles…</translation>
    </message>
    <message>
        <source>The technical state of the source and the analyzer, and the problems</source>
        <translation>El estado técnico de la fuente y del analizador, y los problemas</translation>
    </message>
    <message>
        <source>Inputs that could not be read; the rest was kept.</source>
        <translation>Entradas que no se pudieron leer; el resto se conservó.</translation>
    </message>
    <message>
        <source>Windows judged not relevant (nothing new): silence.</source>
        <translation>Ventanas juzgadas no relevantes (nada nuevo): silencio.</translation>
    </message>
    <message>
        <source>No source yet</source>
        <translation>Todavía no hay fuente</translation>
    </message>
    <message>
        <source>Descriptions: not started</source>
        <translation>Descripciones: sin iniciar</translation>
    </message>
    <message>
        <source>Layout reset.</source>
        <translation>Disposición restablecida.</translation>
    </message>
    <message numerus="yes">
        <source>Alerts (%n)</source>
        <translation>
            <numerusform>Alertas (%n)</numerusform>
            <numerusform>Alertas (%n)</numerusform>
        </translation>
    </message>
    <message>
        <source>Replay at {time}</source>
        <translation>Reproducción en {time}</translation>
    </message>
    <message>
        <source>{board} on {port}</source>
        <translation>{board} en {port}</translation>
    </message>
    <message>
        <source>Board on {port}</source>
        <translation>Placa en {port}</translation>
    </message>
    <message>
        <source>No device on the plots yet.</source>
        <translation>Todavía no hay ningún dispositivo en las gráficas.</translation>
    </message>
    <message>
        <source>Name this device</source>
        <translation>Nombrar este dispositivo</translation>
    </message>
    <message>
        <source>A name for {device} (empty: the name it gives itself):</source>
        <translation>Un nombre para {device} (vacío: el nombre que se da a sí mismo):</translation>
    </message>
    <message>
        <source>The recording ends: {path} is closed and kept.</source>
        <translation>La grabación termina: {path} se cierra y se conserva.</translation>
    </message>
    <message numerus="yes">
        <source>%n connected device(s) will be disconnected.</source>
        <translation>
            <numerusform>%n dispositivo conectado se desconectará.</numerusform>
            <numerusform>%n dispositivos conectados se desconectarán.</numerusform>
        </translation>
    </message>
    <message>
        <source>Open another source?</source>
        <translation>¿Abrir otra fuente?</translation>
    </message>
    <message>
        <source>Switch source</source>
        <translation>Cambiar de fuente</translation>
    </message>
    <message>
        <source>Make a new pairing token?</source>
        <translation>¿Crear un nuevo token de emparejamiento?</translation>
    </message>
    <message>
        <source>Every phone and pair of glasses paired with this computer must be paired again with the new address (or QR code). Devices connected now are disconnected.</source>
        <translation>Cada teléfono y cada par de lentes emparejados con esta computadora deberán emparejarse de nuevo con la nueva dirección (o el código QR). Los dispositivos conectados ahora se desconectan.</translation>
    </message>
    <message>
        <source>Make a new token</source>
        <translation>Crear un nuevo token</translation>
    </message>
    <message>
        <source>A recording is running: it ends, and {path} is kept.</source>
        <translation>Hay una grabación en curso: termina y {path} se conserva.</translation>
    </message>
    <message numerus="yes">
        <source>%n device(s) are connected: they will be disconnected.</source>
        <translation>
            <numerusform>Hay %n dispositivo conectado: se desconectará.</numerusform>
            <numerusform>Hay %n dispositivos conectados: se desconectarán.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>⚠ %n problem(s)</source>
        <translation>
            <numerusform>⚠ %n problema</numerusform>
            <numerusform>⚠ %n problemas</numerusform>
        </translation>
    </message>
    <message>
        <source>Newest: {message} — click for the details</source>
        <translation>El más reciente: {message} — haga clic para ver los detalles</translation>
    </message>
    <message>
        <source>● Recording</source>
        <translation>● Grabando</translation>
    </message>
    <message>
        <source>Recording to {path}</source>
        <translation>Grabando en {path}</translation>
    </message>
    <message>
        <source>No source</source>
        <translation>Sin fuente</translation>
    </message>
    <message>
        <source>live</source>
        <translation>en vivo</translation>
    </message>
    <message>
        <source>paused</source>
        <translation>en pausa</translation>
    </message>
    <message>
        <source>stalled</source>
        <translation>sin datos</translation>
    </message>
    <message>
        <source>finished</source>
        <translation>terminado</translation>
    </message>
    <message>
        <source>connecting</source>
        <translation>conectando</translation>
    </message>
    <message>
        <source>retrying</source>
        <translation>reintentando</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>falló</translation>
    </message>
    <message>
        <source>stopped</source>
        <translation>detenido</translation>
    </message>
    <message>
        <source>Source ({state}): {detail}</source>
        <translation>Fuente ({state}): {detail}</translation>
    </message>
    <message>
        <source>Analyzer ({state}): {detail}</source>
        <translation>Analizador ({state}): {detail}</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>Fuente</translation>
    </message>
    <message>
        <source>Analyzer</source>
        <translation>Analizador</translation>
    </message>
    <message>
        <source>Problems (newest first):</source>
        <translation>Problemas (los más recientes primero):</translation>
    </message>
    <message>
        <source>Status details</source>
        <translation>Detalles del estado</translation>
    </message>
    <message numerus="yes">
        <source>%n problem(s) in this session.</source>
        <translation>
            <numerusform>%n problema en esta sesión.</numerusform>
            <numerusform>%n problemas en esta sesión.</numerusform>
        </translation>
    </message>
    <message>
        <source>{rate} lines/s</source>
        <translation>{rate} líneas/s</translation>
    </message>
    <message>
        <source>Open a recording or frames file</source>
        <translation>Abrir una grabación o un archivo de cuadros</translation>
    </message>
    <message>
        <source>JSON Lines (*.jsonl *.json);;All (*)</source>
        <translation>JSON Lines (*.jsonl *.json);;Todos (*)</translation>
    </message>
    <message>
        <source>Quit InteliVision Desktop?</source>
        <translation>¿Salir de InteliVision Desktop?</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>Salir</translation>
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
        <source>Channels</source>
        <translation>Canales</translation>
    </message>
    <message>
        <source>Show or hide the channel list (show, hide and regroup channels; Y axes)</source>
        <translation>Mostrar u ocultar la lista de canales (mostrar, ocultar y reagrupar canales; ejes Y)</translation>
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
    <message>
        <source>No data since {time}</source>
        <translation>Sin datos desde las {time}</translation>
    </message>
    <message>
        <source>+{count} more</source>
        <translation>+{count} más</translation>
    </message>
    <message>
        <source>At {time}</source>
        <translation>A las {time}</translation>
    </message>
    <message>
        <source>No data at this time</source>
        <translation>Sin datos en este momento</translation>
    </message>
    <message>
        <source>No data yet.</source>
        <translation>Todavía no hay datos.</translation>
    </message>
    <message>
        <source>, {seconds} s</source>
        <translation>, {seconds} s</translation>
    </message>
    <message>
        <source> (full: oldest dropped)</source>
        <translation> (lleno: se descartan los más antiguos)</translation>
    </message>
    <message>
        <source>{channels} channels · {rate} rows/s
history {rows} of {capacity} rows{held}{full}
memory {mb} MB</source>
        <translation>{channels} canales · {rate} filas/s
historial {rows} de {capacity} filas{held}{full}
memoria {mb} MB</translation>
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
        <source>no frames</source>
        <translation>sin cuadros</translation>
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
    <name>SerialMonitor</name>
    <message>
        <source>Pause</source>
        <translation>Pausar</translation>
    </message>
    <message>
        <source>Stop scrolling to read; lines that arrive meanwhile are still counted</source>
        <translation>Detener el desplazamiento para leer; las líneas que llegan mientras tanto se siguen contando</translation>
    </message>
    <message>
        <source>Only unreadable lines</source>
        <translation>Solo líneas ilegibles</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>Borrar</translation>
    </message>
    <message>
        <source>Not read: {reason}</source>
        <translation>No se leyó: {reason}</translation>
    </message>
    <message>
        <source>Partly read: {reason}</source>
        <translation>Leída en parte: {reason}</translation>
    </message>
    <message>
        <source>Open a serial board to see the lines it sends here.</source>
        <translation>Abra una placa serie para ver aquí las líneas que envía.</translation>
    </message>
    <message>
        <source>Paused. {lines} lines received, {bad} not readable; the newest {cap} are shown.</source>
        <translation>En pausa. {lines} líneas recibidas, {bad} ilegibles; se muestran las {cap} más recientes.</translation>
    </message>
    <message>
        <source>{lines} lines received, {bad} not readable; the newest {cap} are shown.</source>
        <translation>{lines} líneas recibidas, {bad} ilegibles; se muestran las {cap} más recientes.</translation>
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
    <name>Speaker</name>
    <message>
        <source>To enable it, install Qt&apos;s speech module PySide6-Addons ({command}); macOS&apos;s say command is normally in /usr/bin.</source>
        <translation>Para activarla, instale el módulo de voz de Qt, PySide6-Addons ({command}); el comando say de macOS suele estar en /usr/bin.</translation>
    </message>
    <message>
        <source>To enable it, install Qt&apos;s speech module PySide6-Addons ({command}), or make Windows PowerShell (powershell.exe) available.</source>
        <translation>Para activarla, instale el módulo de voz de Qt, PySide6-Addons ({command}), o haga que Windows PowerShell (powershell.exe) esté disponible.</translation>
    </message>
    <message>
        <source>To enable it, install Qt&apos;s speech module PySide6-Addons ({command}), or install speech-dispatcher or espeak-ng (for example: sudo apt-get install espeak-ng).</source>
        <translation>Para activarla, instale el módulo de voz de Qt, PySide6-Addons ({command}), o instale speech-dispatcher o espeak-ng (por ejemplo: sudo apt-get install espeak-ng).</translation>
    </message>
    <message>
        <source>Qt&apos;s TextToSpeech module is not installed (PySide6-Addons)</source>
        <translation>El módulo TextToSpeech de Qt no está instalado (PySide6-Addons)</translation>
    </message>
    <message>
        <source>Qt&apos;s TextToSpeech module could not be loaded ({error})</source>
        <translation>No se pudo cargar el módulo TextToSpeech de Qt ({error})</translation>
    </message>
    <message>
        <source>Qt TextToSpeech has no engine named {engine}</source>
        <translation>Qt TextToSpeech no tiene ningún motor llamado {engine}</translation>
    </message>
    <message>
        <source>Qt TextToSpeech has no speech engine here</source>
        <translation>Qt TextToSpeech no tiene ningún motor de voz en este equipo</translation>
    </message>
    <message>
        <source>Qt&apos;s {engine} speech engine failed: {error}</source>
        <translation>Falló el motor de voz {engine} de Qt: {error}</translation>
    </message>
    <message>
        <source>Spanish</source>
        <translation>español</translation>
    </message>
    <message>
        <source>English</source>
        <translation>inglés</translation>
    </message>
    <message>
        <source>no {language} voice in Qt&apos;s {engine} engine; speaking with {locale}</source>
        <translation>el motor {engine} de Qt no tiene voz en {language}; se habla con {locale}</translation>
    </message>
    <message>
        <source>no {language} voice in Qt&apos;s {engine} engine</source>
        <translation>el motor {engine} de Qt no tiene voz en {language}</translation>
    </message>
    <message>
        <source>no speech command ({commands}) was found on PATH</source>
        <translation>no se encontró ningún comando de voz ({commands}) en el PATH</translation>
    </message>
    <message>
        <source>{name} command</source>
        <translation>comando {name}</translation>
    </message>
    <message>
        <source>none</source>
        <translation>ninguno</translation>
    </message>
    <message>
        <source>default voice</source>
        <translation>voz predeterminada</translation>
    </message>
    <message>
        <source>no speech backend was tried</source>
        <translation>no se probó ningún sistema de voz</translation>
    </message>
    <message>
        <source>Speech is not available: {why}. {hint}</source>
        <translation>La lectura en voz alta no está disponible: {why}. {hint}</translation>
    </message>
    <message>
        <source>{backend} failed {n} times in a row ({message})</source>
        <translation>{backend} falló {n} veces seguidas ({message})</translation>
    </message>
    <message>
        <source>speech was turned off after {n} failures in a row ({message}); turn it on again to retry</source>
        <translation>la voz se desactivó tras {n} fallas seguidas ({message}); actívela de nuevo para reintentar</translation>
    </message>
    <message>
        <source>{backend} took longer than {seconds} s</source>
        <translation>{backend} tardó más de {seconds} s</translation>
    </message>
    <message>
        <source>no {language} voice for say; using the default voice</source>
        <translation>say no tiene voz en {language}; se usa la voz predeterminada</translation>
    </message>
    <message>
        <source>{name} exited with status {code}</source>
        <translation>{name} terminó con el estado {code}</translation>
    </message>
    <message>
        <source>{name} crashed</source>
        <translation>{name} se cerró inesperadamente</translation>
    </message>
    <message>
        <source>{name} could not be started ({error})</source>
        <translation>No se pudo iniciar {name} ({error})</translation>
    </message>
    <message>
        <source>{name} is no longer on PATH</source>
        <translation>{name} ya no está en el PATH</translation>
    </message>
</context>
<context>
    <name>Status</name>
    <message>
        <source>offline rules</source>
        <translation>reglas integradas</translation>
    </message>
    <message>
        <source>{source} at {speed} speed</source>
        <translation>{source} a velocidad {speed}</translation>
    </message>
    <message>
        <source>max</source>
        <translation>máx.</translation>
    </message>
    <message>
        <source>{n} s</source>
        <translation>{n} s</translation>
    </message>
    <message>
        <source>Descriptions from the offline rules</source>
        <translation>Descripciones de las reglas integradas</translation>
    </message>
    <message>
        <source>Offline rules stopped</source>
        <translation>Reglas integradas detenidas</translation>
    </message>
    <message>
        <source>The backend answers nothing — descriptions from the offline rules</source>
        <translation>El servidor no responde nada — descripciones de las reglas integradas</translation>
    </message>
    <message>
        <source>Connected to Amazon Bedrock</source>
        <translation>Conectado a Amazon Bedrock</translation>
    </message>
    <message>
        <source>Connected to the backend</source>
        <translation>Conectado al servidor</translation>
    </message>
    <message>
        <source>Connecting to Amazon Bedrock…</source>
        <translation>Conectando con Amazon Bedrock…</translation>
    </message>
    <message>
        <source>Connecting to the backend…</source>
        <translation>Conectando con el servidor…</translation>
    </message>
    <message>
        <source>Amazon Bedrock unreachable</source>
        <translation>Amazon Bedrock no responde</translation>
    </message>
    <message>
        <source>Backend unreachable</source>
        <translation>El servidor no responde</translation>
    </message>
    <message>
        <source>Amazon Bedrock cannot be used — offline rules describe</source>
        <translation>No se puede usar Amazon Bedrock — describen las reglas integradas</translation>
    </message>
    <message>
        <source>The backend cannot be used — offline rules describe</source>
        <translation>No se puede usar el servidor — describen las reglas integradas</translation>
    </message>
    <message>
        <source>{what} — retrying</source>
        <translation>{what} — reintentando</translation>
    </message>
    <message>
        <source>{what} — retrying now</source>
        <translation>{what} — reintentando ahora</translation>
    </message>
    <message>
        <source>{what} — retrying in {seconds}</source>
        <translation>{what} — se reintenta en {seconds}</translation>
    </message>
    <message>
        <source>Backend disconnected</source>
        <translation>Servidor desconectado</translation>
    </message>
    <message>
        <source>Starting…</source>
        <translation>Iniciando…</translation>
    </message>
    <message>
        <source>Demo paused at {time}</source>
        <translation>Demo en pausa en {time}</translation>
    </message>
    <message>
        <source>Replay paused at {time}</source>
        <translation>Reproducción en pausa en {time}</translation>
    </message>
    <message>
        <source>Replay finished — seek, or press Play to start again</source>
        <translation>Reproducción terminada — vaya a otro momento o pulse Reproducir para empezar de nuevo</translation>
    </message>
    <message>
        <source>Finished</source>
        <translation>Terminado</translation>
    </message>
    <message>
        <source>Opening {name}…</source>
        <translation>Abriendo {name}…</translation>
    </message>
    <message>
        <source>Board disconnected — looking for it again</source>
        <translation>Placa desconectada — buscándola de nuevo</translation>
    </message>
    <message>
        <source>Source interrupted — trying again</source>
        <translation>Fuente interrumpida — reintentando</translation>
    </message>
    <message>
        <source>Cannot read the board</source>
        <translation>No se puede leer la placa</translation>
    </message>
    <message>
        <source>The source stopped with an error</source>
        <translation>La fuente se detuvo con un error</translation>
    </message>
    <message>
        <source>Stopped</source>
        <translation>Detenido</translation>
    </message>
    <message>
        <source>Accepting devices — none connected yet</source>
        <translation>Aceptando dispositivos — todavía no hay ninguno conectado</translation>
    </message>
    <message numerus="yes">
        <source>Accepting devices — %n connected — showing {device}</source>
        <translation>
            <numerusform>Aceptando dispositivos — %n conectado — se muestra {device}</numerusform>
            <numerusform>Aceptando dispositivos — %n conectados — se muestra {device}</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Accepting devices — %n connected</source>
        <translation>
            <numerusform>Aceptando dispositivos — %n conectado</numerusform>
            <numerusform>Aceptando dispositivos — %n conectados</numerusform>
        </translation>
    </message>
    <message>
        <source>No data from {device} since {time}</source>
        <translation>Sin datos de {device} desde las {time}</translation>
    </message>
    <message>
        <source>the devices</source>
        <translation>los dispositivos</translation>
    </message>
    <message>
        <source>No data from the board yet</source>
        <translation>Todavía no hay datos de la placa</translation>
    </message>
    <message>
        <source>No data from the board since {time}</source>
        <translation>Sin datos de la placa desde las {time}</translation>
    </message>
    <message>
        <source>Reading {board}</source>
        <translation>Leyendo {board}</translation>
    </message>
    <message>
        <source>the board</source>
        <translation>la placa</translation>
    </message>
    <message>
        <source>Playing the demo</source>
        <translation>Reproduciendo la demo</translation>
    </message>
    <message>
        <source>Replaying {name}</source>
        <translation>Reproduciendo {name}</translation>
    </message>
    <message>
        <source>a recording</source>
        <translation>una grabación</translation>
    </message>
    <message>
        <source>Playing a generated scene</source>
        <translation>Reproduciendo una escena generada</translation>
    </message>
    <message>
        <source>Live</source>
        <translation>En vivo</translation>
    </message>
</context>
<context>
    <name>Timeline</name>
    <message>
        <source>rules</source>
        <translation>reglas</translation>
    </message>
    <message>
        <source>rules (failover)</source>
        <translation>reglas de respaldo</translation>
    </message>
    <message>
        <source>{ms} ms</source>
        <translation>{ms} ms</translation>
    </message>
    <message>
        <source>device {device} · source {source}</source>
        <translation>dispositivo {device} · origen {source}</translation>
    </message>
    <message>
        <source>{text} · FALLBACK</source>
        <translation>{text} · RESPALDO</translation>
    </message>
    <message>
        <source>at {time}</source>
        <translation>a las {time}</translation>
    </message>
    <message>
        <source>{text} · latency {latency}</source>
        <translation>{text} · latencia {latency}</translation>
    </message>
    <message>
        <source>window {start}–{end} ({seconds} s)</source>
        <translation>ventana {start}–{end} ({seconds} s)</translation>
    </message>
</context>
<context>
    <name>TimelineView</name>
    <message>
        <source>Select a description to see the window it summarised.</source>
        <translation>Seleccione una descripción para ver la ventana que resume.</translation>
    </message>
    <message>
        <source>Show the descriptions of one device only</source>
        <translation>Mostrar solo las descripciones de un dispositivo</translation>
    </message>
    <message>
        <source>All devices</source>
        <translation>Todos los dispositivos</translation>
    </message>
    <message>
        <source>Device:</source>
        <translation>Dispositivo:</translation>
    </message>
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
    <name>WatchDialog</name>
    <message>
        <source>Watch deployment</source>
        <translation>Observar despliegue</translation>
    </message>
    <message>
        <source>wss://ID.execute-api.REGION.amazonaws.com/dev</source>
        <translation>wss://ID.execute-api.REGION.amazonaws.com/dev</translation>
    </message>
    <message>
        <source>Operator token (not saved)</source>
        <translation>Token del operador (no se guarda)</translation>
    </message>
    <message>
        <source>The console connects as an observer: it sees every device of the deployment, their windows and descriptions, and sends nothing to them.</source>
        <translation>La consola se conecta como observador: ve todos los dispositivos del despliegue, sus ventanas y descripciones, y no les envía nada.</translation>
    </message>
    <message>
        <source>Address:</source>
        <translation>Dirección:</translation>
    </message>
    <message>
        <source>Operator token:</source>
        <translation>Token del operador:</translation>
    </message>
    <message>
        <source>Watch</source>
        <translation>Observar</translation>
    </message>
    <message>
        <source>Enter a ws:// or wss:// address, for example {example}.</source>
        <translation>Escriba una dirección ws:// o wss://, por ejemplo {example}.</translation>
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
</TS>
