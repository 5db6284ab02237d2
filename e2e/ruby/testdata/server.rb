# Serves many rack-cors configurations on loopback with puma, for
# whycors' differential test (e2e/ruby).
#
#     ruby server.rb CONFIGS.json
#
# CONFIGS.json is a list of {"id": "c0", "source": "..."}: each source is
# the user's own Ruby, as a Rails initializer writes it
# (Rails.application.config.middleware.insert_before 0, Rack::Cors do
# ... end) or as a config.ru does (use Rack::Cors do ... end), evaluated
# unchanged. A request goes to the configuration its X-Case header names,
# with its env untouched (PATH_INFO as puma parsed it). Behind the
# middlewares the application answers every method and path with the
# status of the request's X-Up-Status header (200 without one), a Vary
# header holding X-Up-Vary when the request has one, and the body "ok".
#
# A configuration whose evaluation raises (as Rails would fail to boot:
# credentials: true with origins "*") answers nothing; its error is
# written to CONFIGS.json.errors.json as {"id": "message"} before the
# server listens. The first line printed is "PORT <n> <versions>"; the
# server then runs until killed or until its stdin closes.
require 'json'
require 'logger'
require 'rack'
require 'rack/cors'
require 'rack/cors/version'
require 'rack/utils' # loaded before puma's threads call rack-cors
require 'puma'
require 'puma/const'
require 'puma/events'
require 'puma/server'

# The middlewares one configuration declares, in stack order: each
# [klass, args, block], the first outermost.
class Stack
  attr_reader :entries

  def initialize
    @entries = []
  end

  def use(klass, *args, &blk)
    @entries << [klass, args, blk]
  end
  ruby2_keywords(:use)

  def insert_before(pos, klass, *args, &blk)
    @entries.insert(index_of(pos), [klass, args, blk])
  end
  ruby2_keywords(:insert_before)
  alias insert insert_before

  def insert_after(pos, klass, *args, &blk)
    @entries.insert(index_of(pos) + 1, [klass, args, blk])
  end
  ruby2_keywords(:insert_after)

  def unshift(klass, *args, &blk)
    @entries.unshift([klass, args, blk])
  end
  ruby2_keywords(:unshift)

  # Rails' middlewares are absent here: only the configuration's own.
  def index_of(pos)
    return [[pos, 0].max, @entries.size].min if pos.is_a?(Integer)
    i = @entries.index { |k, _, _| k == pos || k.to_s == pos.to_s }
    raise "no middleware #{pos} in the stack" unless i
    i
  end

  def build(app)
    @entries.reverse.inject(app) do |inner, (klass, args, blk)|
      klass = Object.const_get(klass.to_s) unless klass.is_a?(Class)
      klass.new(inner, *args, &blk)
    end
  end
end

# A stand-in for the part of Rails an initializer touches:
# Rails.application.config.middleware (and Rails.application.configure,
# config/application.rb's class body, Rails.env and Rails.logger).
module Rails
  class Config
    def initialize(stack)
      @stack = stack
    end

    def middleware
      @stack
    end

    # Any other setting the file assigns or reads is accepted and ignored.
    def method_missing(_name, *_args)
      nil
    end

    def respond_to_missing?(*)
      true
    end
  end

  # config/application.rb's class YourApp::Application < Rails::Application
  # reads config in its body: the current application's.
  class Application
    def self.config
      Rails.application.config
    end

    def config
      @config ||= Config.new(Stack.new)
    end

    def configure(&blk)
      instance_eval(&blk)
    end
  end

  class << self
    attr_accessor :application

    # ActiveSupport::EnvironmentInquirer: Rails.env.production? asks
    # the name, which RAILS_ENV gives ("development" when unset, as
    # Rails has it).
    def env
      EnvName.new(ENV.fetch('RAILS_ENV', 'development'))
    end

    # A Rails app always has a logger (rack-cors' debug: true logs to
    # it); this one discards.
    def logger
      @logger ||= Logger.new(IO::NULL)
    end
  end
end

# Rails.env's value: a string whose NAME? methods compare it with NAME.
class EnvName < String
  def method_missing(name, *args)
    name.end_with?('?') ? self == name.to_s.chomp('?') : super
  end

  def respond_to_missing?(name, include_private = false)
    name.end_with?('?') || super
  end
end

# The part of Rack::Builder a config.ru uses; run and map are not needed
# (the test's application answers behind the configuration's middlewares).
class RackUp
  attr_reader :stack

  def initialize(stack)
    @stack = stack
  end

  def use(klass, *args, &blk)
    @stack.use(klass, *args, &blk)
  end
  ruby2_keywords(:use)

  def run(_app = nil, &_blk); end
end

# The application behind the CORS middleware.
APP = lambda do |env|
  status = (env['HTTP_X_UP_STATUS'] || '200').to_i
  headers = {}
  headers['Vary'] = env['HTTP_X_UP_VARY'] if env['HTTP_X_UP_VARY']
  [status, headers, ['ok']]
end

# TopLevel is self for a Rails configuration, in place of main: the
# files a Rails app's config/application.rb requires first (boot,
# rails/all) are not here, so those requires do nothing; any other
# require is Ruby's.
class TopLevel
  def require(name)
    name.to_s.match?(%r{\A(rails|active_\w+|action_\w+)(/|\z)}) ? false : Kernel.require(name)
  end

  def require_relative(_name)
    false
  end

  def fresh_binding
    binding
  end

  def to_s
    'main'
  end
end

# rackup? says whether the source is a config.ru: its first line that is
# not blank, a comment or a require is a use.
def rackup?(source)
  source.each_line do |l|
    s = l.strip
    next if s.empty? || s.start_with?('#') || s.start_with?('require')
    return s.start_with?('use ', 'use(')
  end
  false
end

def load_config(id, source)
  stack = Stack.new
  if rackup?(source)
    RackUp.new(stack).instance_eval(source, "#{id}.ru")
  else
    Rails.application = Rails::Application.new
    eval(source, TopLevel.new.fresh_binding, "#{id}/config/initializers/cors.rb")
    stack = Rails.application.config.middleware
  end
  stack.build(APP)
end

def main
  path = ARGV.fetch(0)
  configs = JSON.parse(File.read(path))
  apps = {}
  errors = {}
  configs.each do |c|
    apps[c['id']] = load_config(c['id'], c['source'])
  rescue StandardError, ScriptError => e
    errors[c['id']] = "#{e.class}: #{e.message}"
  end
  File.write(path + '.errors.json', JSON.generate(errors))

  dispatch = lambda do |env|
    app = apps[env['HTTP_X_CASE']]
    return [421, {}, ["no configuration #{env['HTTP_X_CASE'].inspect}"]] unless app
    app.call(env)
  end

  server = Puma::Server.new(dispatch, Puma::Events.null, min_threads: 1, max_threads: 4)
  server.add_tcp_listener('127.0.0.1', 0)
  port = server.connected_ports.first
  versions = "ruby #{RUBY_VERSION} rack #{Rack.release} rack-cors #{Rack::Cors::VERSION} puma #{Puma::Const::PUMA_VERSION}"
  server.run
  # The test holds stdin open: when it ends, however it ends, so does
  # the server.
  Thread.new do
    $stdin.read
    exit!(0)
  end
  $stdout.puts "PORT #{port} #{versions}"
  $stdout.flush
  sleep
end

main
